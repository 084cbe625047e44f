// integrations/delivery: its public entry. Other parts import from here, not from the files behind it.
export { Deliverer, type DelivererOptions } from './deliverer.js'
export { ParkedStore } from './parked.js'
