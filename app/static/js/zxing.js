// zxing-wasm's reader (UI.md §2), loaded once from our own static files: `src` is its script,
// `wasm` its .wasm, which the module would otherwise fetch from a CDN.
let reader = null;

export function loadReader(src, wasm) {
  reader ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.addEventListener("error", reject);
    script.addEventListener("load", async () => {
      const zxing = globalThis.ZXingWASM;
      await zxing.prepareZXingModule({
        overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? wasm : prefix + path) },
        fireImmediately: true,
      });
      resolve(zxing);
    });
    document.head.append(script);
  });
  return reader;
}

const canvas = document.createElement("canvas");
const context = canvas.getContext("2d", { willReadFrequently: true });

// The valid symbols of `video`'s current frame ([] before the first frame arrives).
export async function readFrame(zxing, video, formats, maxNumberOfSymbols) {
  if (!video.videoWidth) return [];
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  context.drawImage(video, 0, 0);
  const frame = context.getImageData(0, 0, canvas.width, canvas.height);
  const found = await zxing.readBarcodes(frame, { formats, tryHarder: true, maxNumberOfSymbols });
  return found.filter((symbol) => symbol.isValid && symbol.text);
}
