/* Nguồn e-board player — proof of play (after player-clock.js; see docs/boards-player.md).
 *
 * Owns the receipts: their stable ids (same slide + same scheduled start = same id), the IndexedDB
 * outbox (nguon-player / outbox, in memory when IndexedDB is unavailable) and the batched upload to
 * /api/v1/devices/me/receipts, which removes the ids the server answered for.
 */
(function (P) {
  "use strict";

  var state = P.state;
  var PREVIEW = P.PREVIEW;

  /* A stable id: the same slide at the same scheduled time always gets the same id, so a receipt sent
     twice (or made again after a reload) is stored once. */
  function hash32(text, seed) {
    var h = seed >>> 0;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 16777619) >>> 0;
    }
    return ("0000000" + h.toString(16)).slice(-8);
  }

  function receiptId(device, item, scheduled) {
    var text = device + "|" + item + "|" + scheduled;
    return "wp-" + hash32(text, 2166136261) + hash32(text, 3421674724) + "-" + Math.max(0, scheduled).toString(36);
  }

  function receipt(r) {
    if (PREVIEW || !state.manifest) return;
    var device = state.manifest.device;
    var message = {
      v: 1,
      device: device,
      id: receiptId(device, r.item, r.scheduled),
      item: r.item,
      media: r.media,
      manifest_version: state.manifest.version,
      scheduled_at: P.iso(r.scheduled),
      started_at: P.iso(r.shownAt),
      ended_at: P.iso(r.endedAt),
      result: r.result,
    };
    if (r.emergency) message.emergency = true;
    if (r.detail) message.detail = r.detail.slice(0, 500);
    state.receiptsMade.push({ id: message.id, item: message.item, scheduled_at: message.scheduled_at });
    // Counted at once: the write to IndexedDB is asynchronous, and until it lands an outbox that reads
    // empty would claim every receipt is uploaded.
    pendingPuts += 1;
    state.outboxSize += 1;
    outbox.put(message).then(
      function () {
        pendingPuts -= 1;
        scheduleUpload();
      },
      function () {
        pendingPuts -= 1;
      }
    );
  }

  var pendingPuts = 0; // receipts made whose write to the outbox has not landed yet

  var outbox = (function () {
    var opening = null;
    var memory = {}; // when IndexedDB is unavailable
    function db() {
      if (!opening) {
        opening = new Promise(function (resolve, reject) {
          if (!window.indexedDB) return reject(new Error("no indexedDB"));
          var request = indexedDB.open("nguon-player", 1);
          request.onupgradeneeded = function () {
            request.result.createObjectStore("outbox", { keyPath: "id" });
          };
          request.onsuccess = function () {
            resolve(request.result);
          };
          request.onerror = function () {
            reject(request.error);
          };
        });
      }
      return opening;
    }
    function run(mode, work) {
      return db().then(function (database) {
        return new Promise(function (resolve, reject) {
          var tx = database.transaction("outbox", mode);
          var result = work(tx.objectStore("outbox"));
          tx.oncomplete = function () {
            resolve(result && "result" in result ? result.result : undefined);
          };
          tx.onerror = function () {
            reject(tx.error);
          };
        });
      });
    }
    return {
      put: function (message) {
        return run("readwrite", function (store) {
          return store.put(message);
        }).catch(function () {
          memory[message.id] = message;
        });
      },
      take: function (limit) {
        return run("readonly", function (store) {
          return store.getAll(null, limit);
        }).catch(function () {
          return Object.keys(memory)
            .slice(0, limit)
            .map(function (k) {
              return memory[k];
            });
        });
      },
      drop: function (ids) {
        ids.forEach(function (id) {
          delete memory[id];
        });
        return run("readwrite", function (store) {
          ids.forEach(function (id) {
            store.delete(id);
          });
        }).catch(function () {});
      },
      count: function () {
        return run("readonly", function (store) {
          return store.count();
        }).catch(function () {
          return Object.keys(memory).length;
        });
      },
    };
  })();

  var uploading = false;
  var uploadTimer = null;
  function scheduleUpload() {
    if (uploadTimer) return;
    uploadTimer = setTimeout(function () {
      uploadTimer = null;
      upload();
    }, 300);
  }

  async function upload() {
    if (uploading || PREVIEW) return;
    uploading = true;
    try {
      for (var round = 0; round < 20; round++) {
        var batch = await outbox.take(200);
        if (!batch || !batch.length) break;
        var response = await fetch(P.api("receipts"), {
          method: "POST",
          headers: P.authHeaders({ "Content-Type": "application/json" }),
          body: JSON.stringify({ receipts: batch }),
        });
        if (!response.ok) break;
        var answer = await response.json();
        var done = answer.accepted.concat(answer.duplicate, answer.rejected.map(function (r) {
          return r.id;
        }));
        await outbox.drop(done);
        if (batch.length < 200) break;
      }
    } catch (e) {
      /* offline: the outbox keeps them */
    } finally {
      uploading = false;
      state.outboxSize = (await outbox.count()) + pendingPuts;
    }
  }

  P.receipt = receipt;
  P.upload = upload;
})(window.NguonPlayer);
