// Converts Natural Earth's 1:110m land polygons (TopoJSON from the npm package `world-atlas`)
// into land-110m.txt, the small outline file the console's world map loads from its resources.
//
// Source: Natural Earth (https://www.naturalearthdata.com), public domain, as redistributed by
// world-atlas 2.x (ISC licence, Copyright 2013-2019 Michael Bostock).
// Run once, by hand; the output is committed:
//   mkdir -p /tmp/worldatlas && cd /tmp/worldatlas && npm init -y && npm install world-atlas@2 topojson-client@3
//   node resources/map/convert-land.mjs /tmp/worldatlas/node_modules > resources/map/land-110m.txt
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const modules = process.argv[2] ?? "node_modules";
const require = createRequire(path.resolve(modules, "noop.js"));
const { feature } = require(path.resolve(modules, "topojson-client"));
const topology = JSON.parse(readFileSync(path.resolve(modules, "world-atlas/land-110m.json"), "utf8"));
const land = feature(topology, topology.objects.land);

const rings = [];
for (const f of land.features ?? [land]) {
  const g = f.geometry;
  const polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  for (const polygon of polygons) {
    // The outer ring only: at 1:110m the holes are a few large lakes the map can do without.
    const ring = polygon[0];
    // Antarctica is left out: no region is there and it would take a fifth of the map.
    if (ring.every(([, lat]) => lat < -60)) continue;
    // A ring across the antimeridian (Chukotka, Fiji) jumps from +180 to -180: unwrap it into
    // one continuous ring and write it twice, a turn apart, for the map to clip at its edge.
    let offset = 0;
    let crosses = false;
    const unwrapped = [];
    for (const [lon, lat] of ring) {
      if (unwrapped.length > 0) {
        const step = lon + offset - unwrapped[unwrapped.length - 1][0];
        if (step > 180) { offset -= 360; crosses = true; }
        else if (step < -180) { offset += 360; crosses = true; }
      }
      unwrapped.push([lon + offset, lat]);
    }
    const text = (r, shift) => r.map(([lon, lat]) => `${(lon + shift).toFixed(1)} ${lat.toFixed(1)}`).join(" ");
    if (!crosses) {
      rings.push(text(unwrapped, 0));
    } else {
      const mean = unwrapped.reduce((sum, [lon]) => sum + lon, 0) / unwrapped.length;
      const shift = mean > 0 ? -360 : 360;
      rings.push(text(unwrapped, 0), text(unwrapped, shift));
    }
  }
}
process.stdout.write(
  "# Land outlines, Natural Earth 1:110m (public domain) via world-atlas land-110m.json.\n" +
  "# One polygon ring per line: longitude latitude pairs in degrees. Made by convert-land.mjs.\n" +
  rings.join("\n") + "\n");
