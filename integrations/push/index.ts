// integrations/push: its public entry. Other parts import from here, not from the files behind it.
export { PushTargets } from './push-targets.js'
export { Pusher, type PushStatus, pushDelivererName } from './pusher.js'
