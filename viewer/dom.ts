/** The few DOM helpers the viewer needs (no framework: the page is small). */

import { formatNumber } from '../envs/core/human-format.js';

type Attrs = Record<string, string | number | boolean | ((ev: Event) => void)>;

/** Creates an element with attributes, `on*` listeners and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (typeof value === 'boolean') el.toggleAttribute(key, value);
    else el.setAttribute(key, String(value));
  }
  el.append(...children);
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`viewer: no element #${id}`);
  return el as T;
}

/** A number for reading, rounded as the CLIs round it; '-' when absent. */
export function fmt(n: number | null | undefined, digits = 2): string {
  return n === null || n === undefined ? '-' : formatNumber(n, digits);
}
