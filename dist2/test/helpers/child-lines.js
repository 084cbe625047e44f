/** Calls handle for each complete stdout line of a child as `TAG rest`; the fixtures report progress this way. */
export function onLines(child, handle) {
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop();
        for (const line of lines) {
            const space = line.indexOf(' ');
            handle(space < 0 ? line : line.slice(0, space), space < 0 ? '' : line.slice(space + 1));
        }
    });
}
//# sourceMappingURL=child-lines.js.map