#!/usr/bin/env node
// @ts-check
/**
 * Draws the kernel's logo into kernel/: "TS" in blocks over three staggered lanes (tasks running side
 * by side). The mark is a list of rectangles on a 64-unit grid, so the SVG and both PNGs come from one
 * description. PNGs are encoded here with zlib and a CRC32 table, so no image package is needed.
 *
 * Usage: node scripts/make-logos.js [OUT_DIR]   (default: kernel/ next to this script's folder)
 */
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");

const GRID = 64;
const CORNER = 10;
const BACKGROUND = "#3178c6";

/** x, y, width, height on the 64-unit grid. */
const SHAPES = [
  // T
  { x: 8, y: 9, w: 21, h: 6, fill: "#ffffff" },
  { x: 15.5, y: 9, w: 6, h: 27, fill: "#ffffff" },
  // S, drawn as five strokes
  { x: 34, y: 9, w: 22, h: 6, fill: "#ffffff" },
  { x: 34, y: 9, w: 6, h: 16, fill: "#ffffff" },
  { x: 34, y: 19.5, w: 22, h: 6, fill: "#ffffff" },
  { x: 50, y: 19.5, w: 6, h: 16.5, fill: "#ffffff" },
  { x: 34, y: 30, w: 22, h: 6, fill: "#ffffff" },
  // Lanes: bars that start and end at different times, like a timeline of parallel tasks
  { x: 8, y: 41, w: 34, h: 4, fill: "#f5b82e" },
  { x: 16, y: 48, w: 40, h: 4, fill: "#4cc38a" },
  { x: 8, y: 55, w: 20, h: 4, fill: "#f07178" },
  { x: 32, y: 55, w: 18, h: 4, fill: "#f07178" },
];

/** @param {string} hex */
function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Inside the rounded background square? */
function inBackground(x, y) {
  const cx = Math.min(Math.max(x, CORNER), GRID - CORNER);
  const cy = Math.min(Math.max(y, CORNER), GRID - CORNER);
  return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER ** 2;
}

/** The colour at a point of the grid, or null where the logo is transparent. */
function colourAt(x, y) {
  if (!inBackground(x, y)) return null;
  for (let i = SHAPES.length - 1; i >= 0; i--) {
    const s = SHAPES[i];
    if (x >= s.x && x < s.x + s.w && y >= s.y && y < s.y + s.h) return rgb(s.fill);
  }
  return rgb(BACKGROUND);
}

/** RGBA pixels, anti-aliased by averaging a 4×4 grid of samples per pixel. */
function render(size) {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  const scale = GRID / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        covered = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const c = colourAt((px + (sx + 0.5) / samples) * scale, (py + (sy + 0.5) / samples) * scale);
          if (c === null) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          covered++;
        }
      }
      const o = (py * size + px) * 4;
      if (covered > 0) {
        pixels[o] = Math.round(r / covered);
        pixels[o + 1] = Math.round(g / covered);
        pixels[o + 2] = Math.round(b / covered);
        pixels[o + 3] = Math.round((255 * covered) / (samples * samples));
      }
    }
  }
  return pixels;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** @param {Buffer} bytes */
function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** @param {string} type @param {Buffer} data */
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** @param {number} size @param {Buffer} rgba */
function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // colour type: RGBA
  // bytes 10–12: deflate compression, adaptive filtering, no interlace — all zero
  const stride = size * 4;
  const scanlines = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) {
    // Each scanline starts with its filter type; 0 (none) keeps the encoder trivial.
    rgba.copy(scanlines, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(scanlines, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function svg() {
  const rects = SHAPES.map((s) => `  <rect x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" fill="${s.fill}"/>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${GRID} ${GRID}" width="${GRID}" height="${GRID}">`,
    `  <rect width="${GRID}" height="${GRID}" rx="${CORNER}" fill="${BACKGROUND}"/>`,
    ...rects,
    "</svg>",
    "",
  ].join("\n");
}

function main() {
  const outDir = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "kernel"));
  fs.mkdirSync(outDir, { recursive: true });
  for (const size of [32, 64]) {
    const file = path.join(outDir, `logo-${size}x${size}.png`);
    fs.writeFileSync(file, encodePng(size, render(size)));
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
  const svgFile = path.join(outDir, "logo-svg.svg");
  fs.writeFileSync(svgFile, svg());
  console.log(`wrote ${path.relative(process.cwd(), svgFile)}`);
}

main();
