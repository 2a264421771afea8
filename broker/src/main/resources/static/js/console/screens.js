// The console's screens, in the order of the navigation. To add a screen: write its module in screens/NAME.js
// (export default { title, show(root, ctx, parts) }, see screens/hosts.js) and add one line here; its address is
// #/NAME, and #/NAME/a/b reaches it with parts ['a', 'b'] (an object's id, 'new', 'edit', ...).
export const SCREENS = [
  { id: 'hosts', title: 'Hosts', load: () => import('./screens/hosts.js') },
  { id: 'templates', title: 'Templates', load: () => import('./screens/templates.js') },
  { id: 'pools', title: 'Pools', load: () => import('./screens/pools.js') },
  { id: 'desktops', title: 'Desktops', load: () => import('./screens/desktops.js') },
  { id: 'sessions', title: 'Sessions', load: () => import('./screens/sessions.js') },
  { id: 'events', title: 'Events', load: () => import('./screens/events.js') }
];
