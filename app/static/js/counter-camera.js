// The webcam does what the counter's 2D scanner does: it reads a CCCD card's QR code (zxing-wasm,
// served from our own static files) and hands the text to the same reader as a typed scan.
import { readCard } from "./counter-cccd.js";
import { loadReader, readFrame } from "./zxing.js";

const SCAN_EVERY_MS = 150;

export function setUpCamera(form) {
  const button = form.querySelector("[data-camera]");
  const panel = document.getElementById("camera");
  const result = document.getElementById("cccd-result");
  if (!button || !panel || !navigator.mediaDevices?.getUserMedia) return;
  const video = panel.querySelector("video");
  const status = panel.querySelector("[data-camera-status]");
  let stream = null;

  const close = () => {
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    panel.hidden = true;
    button.focus();
  };
  const scan = async (zxing) => {
    while (stream) {
      const [code] = await readFrame(zxing, video, ["QRCode"], 1);
      if (code && stream) {
        close();
        form.elements.namedItem("recipient.id_number").focus();
        await readCard(form, code.text, result);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, SCAN_EVERY_MS));
    }
  };

  button.hidden = false;
  button.addEventListener("click", async () => {
    panel.hidden = false;
    status.textContent = panel.dataset.aim;
    let zxing;
    try {
      zxing = await loadReader(panel.dataset.reader, panel.dataset.wasm);
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch {
      status.textContent = panel.dataset.failed;
      return;
    }
    video.srcObject = stream;
    await video.play();
    panel.querySelector("[data-camera-stop]").focus();
    scan(zxing);
  });
  panel.querySelector("[data-camera-stop]").addEventListener("click", close);
  panel.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();  // closes the camera, not the form
    close();
  });
}
