export { FAVICON_SVG } from './favicon';
export { PAGE_HTML } from './page-html';
export { PAGE_SCRIPT } from './page-script';
export { PAGE_STYLE } from './page-style';
