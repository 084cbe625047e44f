// api/openapi: its public entry. Other parts import from here, not from the files behind it.
export { COMMAND_ERRORS, CONVERSATION_READ_ERRORS } from './errors.js'
export { docs } from './plugin.js'
