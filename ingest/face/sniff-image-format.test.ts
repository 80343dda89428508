// Upload formats by signature: the three raster formats, and nothing that merely starts like one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sniffImageFormat } from './sniff-image-format.ts';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

test('JPEG, PNG and WebP by their signatures', () => {
  assert.equal(sniffImageFormat(bytes([0xff, 0xd8, 0xff, 0xe0], 'rest')), 'jpeg');
  assert.equal(sniffImageFormat(bytes([0x89], 'PNG\r\n\x1a\n', 'IHDR')), 'png');
  assert.equal(sniffImageFormat(bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')), 'webp');
});

test('everything else, truncated signatures and look-alikes included, is no upload format', () => {
  for (const input of [
    bytes('<svg xmlns="http://www.w3.org/2000/svg"/>'),
    bytes('<?xml version="1.0"?><svg/>'),
    bytes('GIF89a'),
    bytes('II*\0'),
    bytes([0, 0, 0, 0x18], 'ftypheic'),
    bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt '),
    bytes([0xff, 0xd8]),
    bytes([0x89], 'PNG\r\n'),
    bytes('RIFF'),
    bytes(''),
  ]) {
    assert.equal(sniffImageFormat(input), null, JSON.stringify(input.toString('latin1')));
  }
});
