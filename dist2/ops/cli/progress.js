/** A one-line progress counter on stderr for long runs, only when a person is watching (a TTY). */
export function progress(total) {
    const shown = process.stderr.isTTY;
    let count = 0;
    let last = 0;
    const tick = (seq) => {
        count++;
        if (!shown || Date.now() - last < 200)
            return;
        last = Date.now();
        process.stderr.write(`\r${count} events${total ? ` (seq ${seq} of ${total}, ${Math.floor((seq / total) * 100)}%)` : ''}   `);
    };
    tick.done = () => {
        if (shown)
            process.stderr.write(`\r${count} events, done${' '.repeat(30)}\n`);
    };
    return tick;
}
//# sourceMappingURL=progress.js.map