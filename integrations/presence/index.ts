// integrations/presence: its public entry. Other parts import from here, not from the files behind it.
export { OnlineMirror } from './online-mirror.js'
export { OnlinePublisher } from './online-publisher.js'
