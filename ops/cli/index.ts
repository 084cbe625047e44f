// ops/cli: its public entry. Other parts import from here, not from the files behind it.
export { describeChecks, doctor } from './doctor.js'
export { describeVerification, exportEvents } from './export.js'
export { rebuild, rebuildHistory } from './rebuild.js'
export { describeState, replay } from './replay.js'
export { up } from './up.js'
export { COMMAND_USAGE, type Command, isCommand, USAGE } from './usage.js'
export { describeFileVerification, eachLine, verifyFile } from './verify-file.js'
