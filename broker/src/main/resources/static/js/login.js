// The sign-in page: says why it is shown, and posts the CSRF token from the XSRF-TOKEN cookie with the form.
const params = new URLSearchParams(location.search);
document.getElementById('failed').hidden = !params.has('error');
document.getElementById('out').hidden = !params.has('logout');
document.getElementById('throttled').hidden = !params.has('throttled');
document.getElementById('norole').hidden = !params.has('norole');
// "Sign in with <provider>" when an OpenID Connect provider is configured (textContent: never markup)
fetch('/login/options', {credentials: 'same-origin'}).then(r => r.ok ? r.json() : {}).then(options => {
  if (options.providerName && options.providerUrl) {
    document.getElementById('sso-name').textContent = options.providerName;
    document.getElementById('sso-link').href = options.providerUrl;
    document.getElementById('sso').hidden = false;
  }
}).catch(() => {});
const match = document.cookie.match(/(?:^|; )XSRF-TOKEN=([^;]*)/);
document.getElementById('csrf').value = match ? decodeURIComponent(match[1]) : '';
