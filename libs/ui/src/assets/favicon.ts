/** The page's icon: three linked server nodes in the page's cluster blue. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<path d="M16 6 L6 25 L26 25 Z" fill="none" stroke="#0969da" stroke-width="2.5"/>
<circle cx="16" cy="6" r="4.5" fill="#1a7f37"/>
<circle cx="6" cy="25" r="4.5" fill="#1a7f37"/>
<circle cx="26" cy="25" r="4.5" fill="#1a7f37"/>
</svg>
`;
