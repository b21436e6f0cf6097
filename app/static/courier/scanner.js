// The phone's camera as a barcode reader: zxing-wasm from our own static files (UI.md §2),
// frames read continuously until stopped.
import { loadReader, readFrame } from "../js/zxing.js";

const SCAN_EVERY_MS = 120;

// Reads `formats` from the camera into `video`, calling onText(text) for every valid symbol
// seen; returns a function that stops the camera.
export async function startCamera(video, formats, onText) {
  const { reader, wasm } = document.body.dataset;
  const zxing = await loadReader(reader, wasm);
  let stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  const stop = () => {
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    video.hidden = true;
  };
  (async () => {
    while (stream) {
      for (const symbol of await readFrame(zxing, video, formats, 4)) {
        if (stream) onText(symbol.text);
      }
      await new Promise((resolve) => setTimeout(resolve, SCAN_EVERY_MS));
    }
  })();
  return stop;
}

// A short beep and a buzz: the courier hears that a number went into the queue.
export function signal() {
  navigator.vibrate?.(80);
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = 1200;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.08);
    tone.addEventListener("ended", () => audio.close());
  } catch {
    // no sound on this phone: the number shown is enough
  }
}
