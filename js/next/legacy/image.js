// Switchyard's `next/legacy/image`: Next.js's image component from before Next 13, which Next
// 16 still ships for apps that have not moved on. The <img> sits in a <span> that `layout`
// sizes: `intrinsic` (the default; a transparent SVG of the image's size keeps its box),
// `fixed`, `responsive` (a padding sizer keeps the aspect ratio) or `fill`. A lazy image shows
// an empty GIF until it comes within `lazyBoundary` of the viewport (IntersectionObserver),
// with a <noscript> copy for browsers without scripts. Besides the default loader, next.config
// `images.loader` may name Next's built-in imgix, Cloudinary and Akamai loaders.

import React from 'react';
import ReactDOM from 'react-dom';
import Head from 'next/head';
import imageConfig from 'next/internal/image-config';
import { closestQuality } from 'next/image';

const h = React.createElement;

/** React 19 preloads on its own: the <link> is only for older React. */
const supportsFloat = typeof ReactDOM.preload === 'function';

/** What a lazy image shows before it is near the viewport: a transparent 1x1 GIF. */
const EMPTY_DATA_URL = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/** Sources that loaded once: they are not lazy the next time. */
const loadedImageURLs = new Set();

const ascending = (a, b) => a - b;

const CONFIG = {
  ...imageConfig,
  deviceSizes: [...imageConfig.deviceSizes].sort(ascending),
  allSizes: [...imageConfig.deviceSizes, ...imageConfig.imageSizes].sort(ascending),
  qualities: imageConfig.qualities ? [...imageConfig.qualities].sort(ascending) : imageConfig.qualities,
};

const withoutLeadingSlash = (src) => (src[0] === '/' ? src.slice(1) : src);

/** The loaders next.config `images.loader` may name. */
const LOADERS = {
  default({ config, src, width, quality }) {
    // SVGs are sent as they are rather than through the endpoint, which refuses them.
    if (!config.dangerouslyAllowSVG && src.split('?', 1)[0].endsWith('.svg')) return src;
    return `${config.path}?url=${encodeURIComponent(src)}&w=${width}&q=${closestQuality(quality, config)}`;
  },
  imgix({ config, src, width, quality }) {
    const url = new URL(`${config.path}${withoutLeadingSlash(src)}`);
    const params = url.searchParams;
    params.set('auto', params.getAll('auto').join(',') || 'format');
    params.set('fit', params.get('fit') || 'max');
    params.set('w', params.get('w') || width.toString());
    if (quality) params.set('q', quality.toString());
    return url.href;
  },
  cloudinary({ config, src, width, quality }) {
    const params = ['f_auto', 'c_limit', `w_${width}`, `q_${quality || 'auto'}`].join(',');
    return `${config.path}${params}/${withoutLeadingSlash(src)}`;
  },
  akamai({ config, src, width }) {
    return `${config.path}${withoutLeadingSlash(src)}?imwidth=${width}`;
  },
  custom({ src }) {
    throw new Error(
      `Image with src "${src}" is missing "loader" prop.\nRead more: https://nextjs.org/docs/messages/next-image-missing-loader`,
    );
  },
};

function configLoader(options) {
  const name = options.config?.loader || 'default';
  const loader = LOADERS[name];
  if (!loader) {
    throw new Error(
      `Unknown "loader" found in "next.config.js". Expected: default, imgix, cloudinary, akamai, custom. Received: ${name}`,
    );
  }
  return loader(options);
}

/** A pixel count from a prop: numbers as they are, strings parsed. */
function toInt(value) {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parseInt(value, 10);
  return undefined;
}

/** The widths of the srcset and their descriptor, for `layout`. */
function srcSetWidths({ deviceSizes, allSizes }, width, layout, sizes) {
  const stretches = layout === 'fill' || layout === 'responsive';
  if (sizes && stretches) {
    const percents = [...sizes.matchAll(/(^|\s)(1?\d?\d)vw/g)].map((match) => parseInt(match[2], 10));
    if (!percents.length) return { widths: allSizes, kind: 'w' };
    const smallest = deviceSizes[0] * Math.min(...percents) * 0.01;
    return { widths: allSizes.filter((size) => size >= smallest), kind: 'w' };
  }
  if (typeof width !== 'number' || stretches) return { widths: deviceSizes, kind: 'w' };
  const fitting = (wanted) => allSizes.find((size) => size >= wanted) || allSizes[allSizes.length - 1];
  return { widths: [...new Set([fitting(width), fitting(width * 2)])], kind: 'x' };
}

/** `src`, `srcSet` and `sizes` of the <img>. */
function sourceAttributes({ config, src, unoptimized, layout, width, quality, sizes, loader }) {
  if (unoptimized) return { src, srcSet: undefined, sizes: undefined };
  const { widths, kind } = srcSetWidths(config, width, layout, sizes);
  const url = (each) => loader({ config, src, quality, width: each });
  return {
    sizes: !sizes && kind === 'w' ? '100vw' : sizes,
    srcSet: widths.map((each, index) => `${url(each)} ${kind === 'w' ? each : index + 1}${kind}`).join(', '),
    src: url(widths[widths.length - 1]),
  };
}

/** `[ref, visible, reset]`: whether the element given to `ref` came near the viewport. */
function useIntersection({ rootRef, rootMargin, disabled }) {
  const [element, setElement] = React.useState(null);
  const [visible, setVisible] = React.useState(false);
  React.useEffect(() => {
    if (typeof IntersectionObserver === 'function') {
      if (disabled || visible || !element?.tagName) return undefined;
      const observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((entry) => entry.isIntersecting || entry.intersectionRatio > 0)) setVisible(true);
        },
        { root: rootRef?.current ?? null, rootMargin },
      );
      observer.observe(element);
      return () => observer.disconnect();
    }
    // Without an observer, the image loads once the browser is idle.
    if (visible) return undefined;
    const idle = window.requestIdleCallback ?? ((callback) => setTimeout(callback, 1));
    const cancel = window.cancelIdleCallback ?? clearTimeout;
    const handle = idle(() => setVisible(true));
    return () => cancel(handle);
  }, [element, disabled, rootMargin, rootRef, visible]);
  const reset = React.useCallback(() => setVisible(false), []);
  return [setElement, visible, reset];
}

/** Once the image at `img` is decoded: the blur goes and `onLoadingComplete` runs. */
function settle(img, src, placeholder, onLoadingCompleteRef, setBlurComplete) {
  if (!img || img.src === EMPTY_DATA_URL || img['data-loaded-src'] === src) return;
  img['data-loaded-src'] = src;
  const decoded = 'decode' in img ? img.decode() : Promise.resolve();
  decoded
    .catch(() => {})
    .then(() => {
      if (!img.parentNode) return;
      loadedImageURLs.add(src);
      if (placeholder === 'blur') setBlurComplete(true);
      if (onLoadingCompleteRef?.current) {
        const { naturalWidth, naturalHeight } = img;
        onLoadingCompleteRef.current({ naturalWidth, naturalHeight });
      }
    });
}

function ImageElement({
  imgAttributes,
  heightInt,
  widthInt,
  qualityInt,
  layout,
  className,
  imgStyle,
  blurStyle,
  isLazy,
  placeholder,
  loading,
  srcString,
  config,
  unoptimized,
  loader,
  onLoadingCompleteRef,
  setBlurComplete,
  setIntersection,
  onLoad,
  onError,
  isVisible,
  noscriptSizes,
  ...rest
}) {
  const finalLoading = isLazy ? 'lazy' : loading;
  const ref = React.useCallback(
    (img) => {
      setIntersection(img);
      if (img?.complete) settle(img, srcString, placeholder, onLoadingCompleteRef, setBlurComplete);
    },
    [setIntersection, srcString, layout, placeholder, onLoadingCompleteRef, setBlurComplete],
  );
  return h(
    React.Fragment,
    null,
    h('img', {
      ...rest,
      ...imgAttributes,
      decoding: 'async',
      'data-nimg': layout,
      className,
      style: { ...imgStyle, ...blurStyle },
      ref,
      onLoad: (event) => {
        settle(event.currentTarget, srcString, placeholder, onLoadingCompleteRef, setBlurComplete);
        if (onLoad) onLoad(event);
      },
      onError: (event) => {
        if (placeholder === 'blur') setBlurComplete(true);
        if (onError) onError(event);
      },
    }),
    (isLazy || placeholder === 'blur') &&
      h(
        'noscript',
        null,
        h('img', {
          ...rest,
          loading: finalLoading,
          decoding: 'async',
          'data-nimg': layout,
          style: imgStyle,
          className,
          ...sourceAttributes({
            config,
            src: srcString,
            unoptimized,
            layout,
            width: widthInt,
            quality: qualityInt,
            sizes: noscriptSizes,
            loader,
          }),
        }),
      ),
  );
}

/** `next/legacy/image`'s default export. */
export default function Image({
  src,
  sizes,
  unoptimized = false,
  priority = false,
  loading,
  lazyRoot = null,
  lazyBoundary,
  className,
  quality,
  width,
  height,
  style,
  objectFit,
  objectPosition,
  onLoadingComplete,
  placeholder = 'empty',
  blurDataURL,
  ...all
}) {
  const config = CONFIG;
  const rest = { ...all };
  let layout = sizes ? 'responsive' : 'intrinsic';
  if ('layout' in rest) {
    if (rest.layout) layout = rest.layout;
    delete rest.layout;
  }
  let loader = configLoader;
  if ('loader' in rest) {
    if (rest.loader) {
      // The app's loader never sees the config, which is internal.
      const appLoader = rest.loader;
      loader = ({ config: _internal, ...options }) => appLoader(options);
    }
    delete rest.loader;
  }

  let staticSrc = '';
  if (src && typeof src === 'object' && (src.default !== undefined || src.src !== undefined)) {
    const data = src.default !== undefined ? src.default : src;
    const only = 'An object should only be passed to the image component src parameter if it comes from a static image import.';
    if (!data.src) throw new Error(`${only} It must include src. Received ${JSON.stringify(data)}`);
    blurDataURL = blurDataURL || data.blurDataURL;
    staticSrc = data.src;
    if (layout !== 'fill') {
      height = height || data.height;
      width = width || data.width;
      if (!data.height || !data.width) {
        throw new Error(`${only} It must include height and width. Received ${JSON.stringify(data)}`);
      }
    }
  }
  src = typeof src === 'string' ? src : staticSrc;

  let isLazy = !priority && (loading === 'lazy' || loading === undefined);
  if (src.startsWith('data:') || src.startsWith('blob:')) {
    unoptimized = true;
    isLazy = false;
  }
  if (typeof window !== 'undefined' && loadedImageURLs.has(src)) isLazy = false;
  if (config.unoptimized) unoptimized = true;

  const [blurComplete, setBlurComplete] = React.useState(false);
  const [setIntersection, isIntersected, resetIntersected] = useIntersection({
    rootRef: lazyRoot,
    rootMargin: lazyBoundary || '200px',
    disabled: !isLazy,
  });
  const isVisible = !isLazy || isIntersected;

  // Key order matters: it is the order of the style attribute's declarations.
  const wrapperStyle = {
    boxSizing: 'border-box',
    display: 'block',
    overflow: 'hidden',
    width: 'initial',
    height: 'initial',
    background: 'none',
    opacity: 1,
    border: 0,
    margin: 0,
    padding: 0,
  };
  const sizerStyle = {
    boxSizing: 'border-box',
    display: 'block',
    width: 'initial',
    height: 'initial',
    background: 'none',
    opacity: 1,
    border: 0,
    margin: 0,
    padding: 0,
  };
  let hasSizer = false;
  let sizerSvgUrl;
  const layoutStyle = {
    position: 'absolute',
    top: 0,
    left: 0,
    bottom: 0,
    right: 0,
    boxSizing: 'border-box',
    padding: 0,
    border: 'none',
    margin: 'auto',
    display: 'block',
    width: 0,
    height: 0,
    minWidth: '100%',
    maxWidth: '100%',
    minHeight: '100%',
    maxHeight: '100%',
    objectFit,
    objectPosition,
  };
  const widthInt = toInt(width);
  const heightInt = toInt(height);
  const qualityInt = toInt(quality);

  const imgStyle = Object.assign({}, style, layoutStyle);
  const blurStyle =
    placeholder === 'blur' && !blurComplete
      ? {
          backgroundSize: objectFit || 'cover',
          backgroundPosition: objectPosition || '0% 0%',
          filter: 'blur(20px)',
          backgroundImage: `url("${blurDataURL}")`,
        }
      : {};
  if (layout === 'fill') {
    Object.assign(wrapperStyle, { display: 'block', position: 'absolute', top: 0, left: 0, bottom: 0, right: 0 });
  } else if (widthInt !== undefined && heightInt !== undefined) {
    const quotient = heightInt / widthInt;
    const paddingTop = Number.isNaN(quotient) ? '100%' : `${quotient * 100}%`;
    if (layout === 'responsive') {
      Object.assign(wrapperStyle, { display: 'block', position: 'relative' });
      hasSizer = true;
      sizerStyle.paddingTop = paddingTop;
    } else if (layout === 'intrinsic') {
      Object.assign(wrapperStyle, { display: 'inline-block', position: 'relative', maxWidth: '100%' });
      hasSizer = true;
      sizerStyle.maxWidth = '100%';
      sizerSvgUrl = `data:image/svg+xml,%3csvg%20xmlns=%27http://www.w3.org/2000/svg%27%20version=%271.1%27%20width=%27${widthInt}%27%20height=%27${heightInt}%27/%3e`;
    } else if (layout === 'fixed') {
      Object.assign(wrapperStyle, { display: 'inline-block', position: 'relative', width: widthInt, height: heightInt });
    }
  }

  const imgAttributes = isVisible
    ? sourceAttributes({ config, src, unoptimized, layout, width: widthInt, quality: qualityInt, sizes, loader })
    : { src: EMPTY_DATA_URL, srcSet: undefined, sizes: undefined };

  const onLoadingCompleteRef = React.useRef(onLoadingComplete);
  React.useEffect(() => {
    onLoadingCompleteRef.current = onLoadingComplete;
  }, [onLoadingComplete]);
  const previousSrc = React.useRef(src);
  React.useEffect(() => {
    // A new source is lazy again.
    if (previousSrc.current !== src) {
      resetIntersected();
      previousSrc.current = src;
    }
  }, [resetIntersected, src]);

  return h(
    React.Fragment,
    null,
    h(
      'span',
      { style: wrapperStyle },
      hasSizer
        ? h(
            'span',
            { style: sizerStyle },
            sizerSvgUrl
              ? h('img', {
                  style: {
                    display: 'block',
                    maxWidth: '100%',
                    width: 'initial',
                    height: 'initial',
                    background: 'none',
                    opacity: 1,
                    border: 0,
                    margin: 0,
                    padding: 0,
                  },
                  alt: '',
                  'aria-hidden': true,
                  src: sizerSvgUrl,
                })
              : null,
          )
        : null,
      h(ImageElement, {
        isLazy,
        imgAttributes,
        heightInt,
        widthInt,
        qualityInt,
        layout,
        className,
        imgStyle,
        blurStyle,
        loading,
        config,
        unoptimized,
        placeholder,
        loader,
        srcString: src,
        onLoadingCompleteRef,
        setBlurComplete,
        setIntersection,
        isVisible,
        noscriptSizes: sizes,
        ...rest,
      }),
    ),
    !supportsFloat && priority
      ? h(
          Head,
          null,
          h('link', {
            key: `__nimg-${imgAttributes.src}${imgAttributes.srcSet}${imgAttributes.sizes}`,
            rel: 'preload',
            as: 'image',
            href: imgAttributes.srcSet ? undefined : imgAttributes.src,
            imageSrcSet: imgAttributes.srcSet,
            imageSizes: imgAttributes.sizes,
            crossOrigin: rest.crossOrigin,
            referrerPolicy: rest.referrerPolicy,
          }),
        )
      : null,
  );
}
