// A tiny fake React for the node tests of js/next (they use no npm packages), and `next/*`
// resolved to the files of js/next, as the build maps them. Importing this module installs
// the resolve hook; tests then `await import('react')`, `await import('next/head')`, …
// It lives outside test/ because Node's test runner runs every module under a test/ folder.
import { register } from 'node:module';

const FAKE_REACT = `
const ELEMENT = Symbol.for('react.transitional.element');
export const Fragment = Symbol.for('react.fragment');
export function createElement(type, config, ...children) {
  const props = {};
  let key = null;
  for (const [name, value] of Object.entries(config ?? {})) {
    if (name === 'key') key = value == null ? null : String(value);
    else props[name] = value;
  }
  if (children.length) props.children = children.length === 1 ? children[0] : children;
  return { $$typeof: ELEMENT, type, key, props };
}
export const cloneElement = (element, config, ...children) =>
  createElement(element.type, { key: element.key, ...element.props, ...config }, ...children);
export const isValidElement = (value) => value?.$$typeof === ELEMENT;
export const createContext = (value) => ({ _currentValue: value, Provider: {} });
export const useContext = (context) => context._currentValue;
export const effects = [];
export const useLayoutEffect = (effect) => void effects.push(effect);
export const useEffect = useLayoutEffect;
export const useRef = (current) => ({ current });
export const forwardRef = (render) => ({ render });
export class Component { constructor(props) { this.props = props; } }
export const Children = {
  only(children) {
    if (!isValidElement(children)) throw new Error('React.Children.only expected to receive a single React element child.');
    return children;
  },
};
export default { Fragment, createElement, cloneElement, isValidElement, createContext, useContext, useLayoutEffect, useEffect, useRef, forwardRef, Component, Children };
`;
const FAKES = { react: FAKE_REACT, 'react-dom/client': 'export const hydrateRoot = () => ({ render() {} });' };
register(
  'data:text/javascript,' +
    encodeURIComponent(`
const fakes = ${JSON.stringify(FAKES)};
const base = ${JSON.stringify(new URL('../', import.meta.url).href)};
export async function resolve(specifier, context, nextResolve) {
  if (specifier in fakes) return { url: 'data:text/javascript,' + encodeURIComponent(fakes[specifier]), shortCircuit: true };
  const builtin = /^next\\/(.+?)(?:\\.js)?$/.exec(specifier);
  if (builtin) return { url: new URL(builtin[1] + '.js', base).href, shortCircuit: true };
  return nextResolve(specifier, context);
}`),
);
