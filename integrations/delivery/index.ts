// integrations/delivery: its public entry. Other parts import from here, not from the files behind it.
export { Deliverer, type DelivererOptions } from './deliverer.js'
export { DelivererSet, type DelivererView } from './deliverer-set.js'
export { type ParkedDelivery, ParkedStore } from './parked.js'
