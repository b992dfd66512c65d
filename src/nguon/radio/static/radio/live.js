// Live session page: the browser microphone (getUserMedia + MediaRecorder, WebM/Opus) sent in numbered
// chunks every 500 ms to /api/v1/radio/live/<id>/chunks/<seq>, one request at a time and in order (a
// failed chunk is sent again); a level meter; the session's state polled every 2 s.
(function () {
  "use strict";
  const root = document.getElementById("live");
  if (!root) return;
  const api = root.dataset.api;
  const csrf = root.dataset.csrf;
  const statusEl = document.getElementById("live-status");
  const signalEl = document.getElementById("live-signal");
  const startBtn = document.getElementById("mic-start");
  const stopBtn = document.getElementById("mic-stop");
  const meter = document.getElementById("mic-level");
  const stateEl = document.getElementById("mic-state");
  const onAir = document.getElementById("on-air");
  const STATUS = { waiting: "Chờ tín hiệu", on_air: "Đang phát trực tiếp", ended: "Đã kết thúc" };

  let recorder = null;
  let stream = null;
  let audioContext = null;
  let seq = 0;
  let sent = 0;
  const queue = [];
  let sending = false;
  let stopped = false;

  async function refresh() {
    try {
      const response = await fetch(api, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const state = await response.json();
      statusEl.textContent = STATUS[state.status] || state.status;
      root.dataset.status = state.status;
      signalEl.textContent = state.signal ? signalEl.dataset.yes : signalEl.dataset.no;
      signalEl.dataset.signal = state.signal ? "1" : "0";
      if (onAir) onAir.disabled = state.status !== "waiting";
      if (state.status === "ended") stopMic();
    } catch (error) {
      /* offline for a moment: try again at the next poll */
    }
  }

  async function pump() {
    if (sending) return;
    sending = true;
    while (queue.length && !stopped) {
      const chunk = queue[0];
      let response = null;
      try {
        response = await fetch(api + "/chunks/" + chunk.seq, {
          method: "POST",
          body: chunk.blob,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrf, "Content-Type": "application/octet-stream" },
        });
      } catch (error) {
        response = null;
      }
      if (response && response.ok) {
        queue.shift();
        sent += 1;
        if (stateEl) stateEl.textContent = stateEl.dataset.sent.replace("%(n)s", String(sent));
        if (stateEl) stateEl.dataset.sentCount = String(sent);
      } else if (response && response.status !== 429 && response.status < 500) {
        // refused (session ended, out of order): stop sending
        stopMic();
        break;
      } else {
        if (stateEl) stateEl.textContent = stateEl.dataset.failed;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    sending = false;
  }

  function meterLoop(analyser) {
    const data = new Uint8Array(analyser.fftSize);
    function step() {
      if (!audioContext) return;
      analyser.getByteTimeDomainData(data);
      let peak = 0;
      for (const value of data) peak = Math.max(peak, Math.abs(value - 128) / 128);
      meter.value = peak;
      requestAnimationFrame(step);
    }
    step();
  }

  async function startMic() {
    if (recorder && recorder.state === "paused") {
      // one recording per session: pausing keeps the WebM stream whole, so the relay can go on with it
      recorder.resume();
      startBtn.hidden = true;
      stopBtn.hidden = false;
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch (error) {
      if (stateEl) stateEl.textContent = stateEl.dataset.denied;
      return;
    }
    stopped = false;
    audioContext = new AudioContext();
    const analyser = audioContext.createAnalyser();
    analyser.fftSize = 1024;
    audioContext.createMediaStreamSource(stream).connect(analyser);
    meterLoop(analyser);
    const mimeType = MediaRecorder.isTypeSupported("audio/webm;codecs=opus") ? "audio/webm;codecs=opus" : "audio/webm";
    recorder = new MediaRecorder(stream, { mimeType: mimeType, audioBitsPerSecond: 64000 });
    recorder.addEventListener("dataavailable", (event) => {
      if (event.data && event.data.size > 0) {
        queue.push({ seq: seq, blob: event.data });
        seq += 1;
        pump();
      }
    });
    recorder.start(500);
    startBtn.hidden = true;
    stopBtn.hidden = false;
  }

  function stopMic() {
    stopped = true;
    if (recorder && recorder.state !== "inactive") recorder.stop();
    if (stream) stream.getTracks().forEach((track) => track.stop());
    if (audioContext) audioContext.close();
    recorder = null;
    stream = null;
    audioContext = null;
    if (meter) meter.value = 0;
    if (startBtn) startBtn.hidden = root.dataset.status === "ended";
    if (stopBtn) stopBtn.hidden = true;
  }

  const errorEl = document.getElementById("live-error");

  async function post(path) {
    const response = await fetch(api + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/json", Accept: "application/json" },
      body: "{}",
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = body.error || {};
      const details = (error.details || []).map((d) => d.message).join(" ");
      errorEl.textContent = details || error.message || String(response.status);
      errorEl.hidden = false;
      return null;
    }
    errorEl.hidden = true;
    return body;
  }

  // With JavaScript, on air and end go through the API so that the page (and the microphone) stays.
  const onAirForm = document.getElementById("on-air-form");
  if (onAirForm) {
    onAirForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await post("/on-air")) refresh();
    });
  }
  const endForm = document.getElementById("end-form");
  if (endForm) {
    endForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      stopMic();
      if (await post("/end")) window.location.reload();
    });
  }

  if (startBtn) startBtn.addEventListener("click", startMic);
  function pauseMic() {
    if (recorder && recorder.state === "recording") recorder.pause();
    if (meter) meter.value = 0;
    startBtn.hidden = false;
    stopBtn.hidden = true;
  }

  if (stopBtn) stopBtn.addEventListener("click", pauseMic);
  refresh();
  setInterval(refresh, 2000);
})();
