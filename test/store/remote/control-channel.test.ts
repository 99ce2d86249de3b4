import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isControlPeer, isLoopback } from '../../../src/store/remote/control-channel.js';

test('the control channel admits loopback peers only: 127/8, ::1 and IPv4-mapped 127.0.0.1', () => {
  assert.deepEqual(
    ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '10.0.0.1', '::ffff:10.0.0.1', '2001:db8::1', undefined].map(isLoopback),
    [true, true, true, true, false, false, false, false],
  );
});

test('a control request needs the exact token, from loopback, and a server that has a token', () => {
  assert.equal(isControlPeer('s3cret', 's3cret', '127.0.0.1'), true);
  assert.equal(isControlPeer('s3cret', 's3cre', '127.0.0.1'), false);
  assert.equal(isControlPeer('s3cret', 's3creT', '127.0.0.1'), false);
  assert.equal(isControlPeer('s3cret', 's3cret', '192.168.1.2'), false);
  assert.equal(isControlPeer('s3cret', ['s3cret'], '127.0.0.1'), false);
  assert.equal(isControlPeer(undefined, 's3cret', '127.0.0.1'), false);
});
