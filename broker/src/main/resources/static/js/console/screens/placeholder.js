// A screen that is not built yet: its place in the navigation exists, and the screen module replaces this one in
// screens.js.
import { el } from '../../api.js';

export default {
  show(root) {
    root.append(el('p', { class: 'muted placeholder' }, 'This screen is coming soon.'));
  }
};
