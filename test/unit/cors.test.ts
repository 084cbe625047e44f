import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { parseOrigins } from '../../api/cors.js'

describe('CORS origins', () => {
  test('are kept as browsers spell the Origin header, so an exact match works', () => {
    assert.deepEqual(parseOrigins('HTTPS://App.Example.com:443, http://localhost:5173,http://[::1]:80'), [
      'https://app.example.com',
      'http://localhost:5173',
      'http://[::1]',
    ])
  })

  test('unset or empty is no list', () => {
    assert.equal(parseOrigins(undefined), undefined)
    assert.equal(parseOrigins(''), undefined)
  })
})
