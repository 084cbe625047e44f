// integrations/webhooks: its public entry. Other parts import from here, not from the files behind it.
export { Webhooks } from './webhooks.js'
