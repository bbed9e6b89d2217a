// The depot console's little JavaScript: a reason counter on the search
// form, and a confirmation before a hotlist is published. Pages work
// without it.
document.addEventListener('DOMContentLoaded', function () {
  var reason = document.getElementById('reason');
  var count = document.getElementById('reason-count');
  if (reason && count) {
    var show = function () { count.textContent = reason.value.trim().length + ' characters (10 or more)'; };
    reason.addEventListener('input', show);
    show();
  }
  var publish = document.getElementById('publish-form');
  if (publish) {
    publish.addEventListener('submit', function (e) {
      var list = document.getElementById('list').value;
      if (!window.confirm('Publish this file as the new version of ' + list + '? Every car takes it at its next sync.')) e.preventDefault();
    });
  }
});
