// Content-Security-Policy, second half. index.html's own <meta> policy allows connections to any
// http(s) origin; this one narrows them to the page's origin plus the origin of a `?data=` URL the
// visitor gave. A static host sets no headers and a <meta> policy can never be loosened once in
// force, so the connect list that depends on the URL is written here, by a same-origin classic
// script that runs before the app; both policies apply, so the narrower one wins. The app refuses
// to start without it (src/main.ts). A classic script, no imports: it must run before any module.
(function () {
  var sources = ["'self'"];
  try {
    var data = new URLSearchParams(location.search).get('data');
    if (data) {
      var url = new URL(data, location.href);
      if (url.protocol === 'https:' || url.protocol === 'http:') {
        // An origin is only scheme, host and port: nothing the visitor typed can add a directive.
        if (url.origin !== location.origin) sources.push(url.origin);
      }
    }
  } catch {
    // A malformed ?data= stays unreachable; the app reports it when it tries.
  }
  var meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = 'connect-src ' + sources.join(' ');
  meta.setAttribute('data-csp', 'connect');
  document.head.appendChild(meta);
})();
