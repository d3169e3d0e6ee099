// The staff console's one script (served at /console/console-agent.js on signed-in pages).
// Presence: a heartbeat every 20 s while a console page is open, so that students see an agent
// online. The queue and a conversation are live: they ask the server every 1.5 s for what changed
// (the server reads the shared tables, so this works across instances). Canned replies: knowledge
// answers searched as the agent types, put into the reply box to edit before sending.
// Everything the server sends as HTML was escaped by it; what this script writes is textContent.
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!meta) { return; }
  var csrf = meta.getAttribute('content');
  var POLL_MS = 1500;
  var BEAT_MS = 20000;

  function beat() {
    fetch('/console/presence', {
      method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf }
    }).catch(function () {});
  }
  beat();
  setInterval(beat, BEAT_MS);

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      });
  }

  // The queue: replace what changed, keeping the keyboard focus on the same row's button.
  var queue = document.getElementById('queue-live');
  var mine = document.getElementById('mine-live');
  if (queue) {
    var shownQueue = queue.innerHTML;
    var shownMine = mine ? mine.innerHTML : '';
    var pollQueue = function () {
      getJson(queue.getAttribute('data-live')).then(function (answer) {
        if (answer.status !== 200) { return; }
        if (answer.body.queue !== shownQueue) {
          var focused = document.activeElement;
          var focusedId = focused && focused.getAttribute ? focused.getAttribute('data-id') : null;
          queue.innerHTML = answer.body.queue;
          shownQueue = queue.innerHTML;
          if (focusedId) {
            var again = queue.querySelector('button[data-id="' + CSS.escape(focusedId) + '"]');
            if (again) { again.focus(); }
          }
        }
        if (mine && answer.body.mine !== shownMine) {
          mine.innerHTML = answer.body.mine;
          shownMine = mine.innerHTML;
        }
      }).catch(function () {}).then(function () { setTimeout(pollQueue, POLL_MS); });
    };
    setTimeout(pollQueue, POLL_MS);
  }

  // A conversation: append the messages after the last one shown.
  var history = document.getElementById('history');
  if (history) {
    var last = history.getAttribute('data-last') || '0';
    var ended = document.getElementById('ended');
    var scrollDown = function () { history.scrollTop = history.scrollHeight; };
    scrollDown();
    var pollHistory = function () {
      getJson(history.getAttribute('data-live') + '?after=' + encodeURIComponent(last))
        .then(function (answer) {
          if (answer.status === 403 && answer.body.ended) {
            ended.textContent = answer.body.ended;
            ended.hidden = false;
            return false;
          }
          if (answer.status === 200 && answer.body.html) {
            history.insertAdjacentHTML('beforeend', answer.body.html);
            last = String(answer.body.last);
            scrollDown();
          }
          return true;
        })
        .catch(function () { return true; })
        .then(function (goOn) { if (goOn) { setTimeout(pollHistory, POLL_MS); } });
    };
    setTimeout(pollHistory, POLL_MS);
  }

  // Canned replies, searched as the agent types (after a short pause).
  var search = document.getElementById('canned-search');
  var results = document.getElementById('canned-results');
  var reply = document.getElementById('reply');
  if (search && results && reply) {
    var timer = null;
    var asked = 0;
    search.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mark = ++asked;
        var url = search.getAttribute('data-source') + '?q=' + encodeURIComponent(search.value);
        getJson(url).then(function (answer) {
          if (mark !== asked || answer.status !== 200) { return; }
          results.textContent = '';
          answer.body.replies.forEach(function (found) {
            var item = document.createElement('li');
            var use = document.createElement('button');
            use.type = 'button';
            use.className = 'canned-use';
            use.textContent = found.title;
            use.addEventListener('click', function () {
              reply.value = found.text;
              reply.focus();
            });
            var preview = document.createElement('span');
            preview.className = 'preview';
            preview.textContent = found.text.length > 120 ? found.text.slice(0, 120) + '…' : found.text;
            item.appendChild(use);
            item.appendChild(preview);
            results.appendChild(item);
          });
        }).catch(function () {});
      }, 200);
    });
  }
})();
