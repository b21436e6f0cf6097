// Renders ZPL with an independent engine (zpl-renderer-js, a WebAssembly build of
// ingridhq/zebrash) into one PNG per ^XA..^XZ label: node zpl_render.mjs IN.zpl OUT_PREFIX
// [width_mm height_mm dpmm]. Writes OUT_PREFIX-1.png, -2.png, ... and prints the count.
import fs from "node:fs";
import { ready } from "zpl-renderer-js";

const [input, prefix, width = "100", height = "150", dpmm = "8"] = process.argv.slice(2);
if (!input || !prefix) {
  console.error("usage: node zpl_render.mjs IN.zpl OUT_PREFIX [width_mm height_mm dpmm]");
  process.exit(2);
}
const { api } = await ready;
const zpl = fs.readFileSync(input, "utf8");
const labels = await api.zplToBase64MultipleAsync(zpl, Number(width), Number(height), Number(dpmm));
labels.forEach((png, i) => fs.writeFileSync(`${prefix}-${i + 1}.png`, Buffer.from(png, "base64")));
console.log(labels.length);
process.exit(0);
