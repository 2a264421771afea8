// Lists of the console: Tabulator (vendored, js/vendor/tabulator) with a filter box, sortable columns and pages.
// Cells are text or DOM nodes built with el(): a formatter never returns an HTML string (Tabulator would insert it as
// HTML), so nothing an API returns is ever read as markup. Live data replaces the rows in place, keeping the sort,
// the filter and the page; unchanged data is not redrawn.
import { TabulatorFull as Tabulator } from '../vendor/tabulator/tabulator_esm.min.js';
import { el } from '../api.js';

/**
 * A list in root.
 *
 * @param columns [{ title, field, node: row => Node|string, sorter, width, minWidth, search: row => text }]; a column
 *                with node draws its cell from the row (a state badge, buttons); field is what it sorts by
 * @param options { id, onOpen(row), pageSize, empty, label }
 * @returns { set(rows), table, element }
 */
export function dataTable(root, columns, options = {}) {
  const filter = el('input', { type: 'search', class: 'table-filter', placeholder: 'Filter',
    'aria-label': `Filter ${options.label || 'the list'}` });
  const count = el('span', { class: 'muted table-count' });
  const holder = el('div', { class: 'table-holder', ...(options.id ? { id: options.id } : {}) });
  root.append(el('div', { class: 'table-tools' }, filter, count), holder);
  let table = null;
  let shown = null;
  let built = false;
  let pending = null;
  const searchText = row => columns.map(c => c.search ? c.search(row) : c.field ? row[c.field] : '')
    .filter(v => v !== null && v !== undefined).join(' ').toLowerCase();

  const definitions = columns.map(c => ({
    title: c.title,
    field: c.field || c.title,
    headerSort: c.sortable !== false,
    sorter: c.sorter || 'string',
    width: c.width,
    minWidth: c.minWidth || Math.max(60, c.title.length * 8 + 36),
    widthGrow: c.grow || 1,
    formatter: c.node ? cell => node(c.node(cell.getData())) : 'plaintext',
    cssClass: c.class || ''
  }));

  function node(value) {
    if (value instanceof Node) return value;
    return el('span', {}, value === null || value === undefined ? '' : String(value));
  }

  table = new Tabulator(holder, {
    data: [],
    index: 'id',
    layout: 'fitColumns',
    columns: definitions,
    pagination: true,
    paginationSize: options.pageSize || 20,
    paginationSizeSelector: [10, 20, 50, 100],
    paginationCounter: 'rows',
    placeholder: options.empty || 'Nothing here yet',
    rowFormatter: row => {
      const data = row.getData();
      row.getElement().dataset.id = data.id;
      if (options.rowClass) row.getElement().classList.add(...options.rowClass(data).split(' ').filter(Boolean));
    }
  });
  table.on('tableBuilt', () => {
    built = true;
    if (pending) set(pending);
  });
  if (options.onOpen) {
    table.on('rowClick', (event, row) => {
      if (event.target.closest('button, a, input, select')) return;
      options.onOpen(row.getData());
    });
  }
  filter.addEventListener('input', () => {
    const needle = filter.value.trim().toLowerCase();
    if (needle) table.setFilter(row => searchText(row).includes(needle));
    else table.clearFilter();
  });

  function set(rows) {
    if (!built) {
      pending = rows;
      return;
    }
    pending = null;
    const json = JSON.stringify(rows);
    if (json === shown) return;
    shown = json;
    table.replaceData(rows);
    count.textContent = `${rows.length} in all`;
  }

  return { set, table, element: holder };
}
