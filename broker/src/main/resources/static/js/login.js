// The sign-in page: says why it is shown, and posts the CSRF token from the XSRF-TOKEN cookie with the form.
const params = new URLSearchParams(location.search);
document.getElementById('failed').hidden = !params.has('error');
document.getElementById('out').hidden = !params.has('logout');
document.getElementById('throttled').hidden = !params.has('throttled');
const match = document.cookie.match(/(?:^|; )XSRF-TOKEN=([^;]*)/);
document.getElementById('csrf').value = match ? decodeURIComponent(match[1]) : '';
