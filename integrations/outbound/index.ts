export { type PostOutcome, postSigned } from './post.js'
export { signatureHeaders, verifySignature } from './signature.js'
