// Runs the NATS consumer example: NATS_URL=nats://host:4222 DURABLE=my-backend node dist/examples/nats-consumer/main.js
import { main } from './consumer.js'

await main()
