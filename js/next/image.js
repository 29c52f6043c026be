// Switchyard's `next/image`: Next.js 16's image component for the default loader. It renders
// one <img> with the attributes Next renders, in Next's order: `loading="lazy"` unless
// `priority`, `preload` or `loading` says otherwise, `decoding="async"`, `data-nimg`, a
// transparent text colour (the alt text shows only if the image fails), `fill`'s absolute
// box, and `srcSet`/`src` through `/_next/image` at the widths Next picks: 1x and 2x of a
// fixed width, or from `sizes` every configured width down to its smallest `vw`. SVGs,
// `unoptimized` (or next.config `images.unoptimized`), data: and blob: URLs keep their own
// `src`. `priority` or `preload` puts a preload <link> in the document's head (through
// next/head, as Next does under the Pages Router). `getImageProps` gives the same attributes
// for a <picture> of your own.
//
// Widths, qualities and the endpoint's path come from next.config `images`, which the build
// hands over as next/internal/image-config. Next's development-only checks (missing width,
// conflicting props) are left out: builds are production builds.

import React from 'react';
import Head from 'next/head';
import imageConfig from 'next/internal/image-config';

const h = React.createElement;

const ascending = (a, b) => a - b;

/** `config` with its lists sorted and `allSizes`, every width `/_next/image` accepts. */
function withAllSizes(config) {
  return {
    ...config,
    deviceSizes: [...config.deviceSizes].sort(ascending),
    allSizes: [...config.deviceSizes, ...config.imageSizes].sort(ascending),
    qualities: config.qualities ? [...config.qualities].sort(ascending) : config.qualities,
  };
}

const CONFIG = withAllSizes(imageConfig);

/** `quality` (75 when unset) moved to the closest of the configured qualities. */
export function closestQuality(quality, config) {
  const wanted = quality || 75;
  const qualities = config.qualities;
  if (!qualities?.length) return wanted;
  let best = qualities[0];
  for (const candidate of qualities) {
    if (Math.abs(candidate - wanted) < Math.abs(best - wanted)) best = candidate;
  }
  return best;
}

/** The default loader: the image at `width` through `/_next/image`. */
function defaultLoader({ config, src, width, quality }) {
  return `${config.path}?url=${encodeURIComponent(src)}&w=${width}&q=${closestQuality(quality, config)}`;
}
// How Next tells its own loader from one the app passes.
defaultLoader.__next_img_default = true;

/** A pixel count from a prop: numbers (NaN unless finite), digit strings, else NaN. */
function toInt(value) {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value === 'string' && /^[0-9]+$/.test(value)) return parseInt(value, 10);
  return NaN;
}

/** The `StaticImageData` of an imported image (`import` or `require`), if `src` is one. */
function staticImage(src) {
  if (!src || typeof src !== 'object') return undefined;
  if (src.default !== undefined) return src.default;
  return src.src !== undefined ? src : undefined;
}

/** The `vw` numbers of a `sizes` attribute (`(max-width: 768px) 50vw, 33vw` → 50, 33). */
function viewportPercents(sizes) {
  return [...sizes.matchAll(/(^|\s)(1?\d?\d)vw/g)].map((match) => parseInt(match[2], 10));
}

/** The widths of the srcset and their descriptor: `w` for `sizes` or no width, else `x`. */
function srcSetWidths({ deviceSizes, allSizes }, width, sizes) {
  if (sizes) {
    const percents = viewportPercents(sizes);
    if (!percents.length) return { widths: allSizes, kind: 'w' };
    const smallest = deviceSizes[0] * Math.min(...percents) * 0.01;
    return { widths: allSizes.filter((size) => size >= smallest), kind: 'w' };
  }
  if (typeof width !== 'number') return { widths: deviceSizes, kind: 'w' };
  // 1x and 2x only: a 3x image looks no different and costs much more.
  const fitting = (wanted) => allSizes.find((size) => size >= wanted) || allSizes[allSizes.length - 1];
  return { widths: [...new Set([fitting(width), fitting(width * 2)])], kind: 'x' };
}

/** `src`, `srcSet` and `sizes` of the <img>. */
function sourceAttributes({ config, src, unoptimized, width, quality, sizes, loader }) {
  if (unoptimized) return { src, srcSet: undefined, sizes: undefined };
  const { widths, kind } = srcSetWidths(config, width, sizes);
  const url = (each) => loader({ config, src, quality, width: each });
  return {
    sizes: !sizes && kind === 'w' ? '100vw' : sizes,
    srcSet: widths.map((each, index) => `${url(each)} ${kind === 'w' ? each : index + 1}${kind}`).join(', '),
    // Last, as Next keeps it: React sets attributes in order, and Safari would fetch `src`
    // before `srcSet` and `sizes` are there.
    src: url(widths[widths.length - 1]),
  };
}

/** The blurred placeholder: an SVG (URL-encoded) blurring `blurDataURL`. */
function blurSvg({ widthInt, heightInt, blurWidth, blurHeight, blurDataURL, objectFit }) {
  const deviation = 20;
  const svgWidth = blurWidth ? blurWidth * 40 : widthInt;
  const svgHeight = blurHeight ? blurHeight * 40 : heightInt;
  const viewBox = svgWidth && svgHeight ? `viewBox='0 0 ${svgWidth} ${svgHeight}'` : '';
  let aspect = 'none';
  if (!viewBox && objectFit === 'contain') aspect = 'xMidYMid';
  else if (!viewBox && objectFit === 'cover') aspect = 'xMidYMid slice';
  return (
    `%3Csvg xmlns='http://www.w3.org/2000/svg' ${viewBox}%3E%3Cfilter id='b' color-interpolation-filters='sRGB'%3E` +
    `%3CfeGaussianBlur stdDeviation='${deviation}'/%3E%3CfeColorMatrix values='1 0 0 0 0 0 1 0 0 0 0 0 1 0 0 0 0 0 100 -1' result='s'/%3E` +
    `%3CfeFlood x='0' y='0' width='100%25' height='100%25'/%3E%3CfeComposite operator='out' in='s'/%3E` +
    `%3CfeComposite in2='SourceGraphic'/%3E%3CfeGaussianBlur stdDeviation='${deviation}'/%3E%3C/filter%3E` +
    `%3Cimage width='100%25' height='100%25' x='0' y='0' preserveAspectRatio='${aspect}' style='filter: url(%23b);' href='${blurDataURL}'/%3E%3C/svg%3E`
  );
}

/** `object-fit` values that are no `background-size`. */
const NO_BACKGROUND_SIZE = ['-moz-initial', 'fill', 'none', 'scale-down', undefined];

/** The legacy `layout` prop's styles and default `sizes`. */
const LAYOUT_STYLES = {
  intrinsic: { maxWidth: '100%', height: 'auto' },
  responsive: { width: '100%', height: 'auto' },
};
const LAYOUT_SIZES = { responsive: '100vw', fill: '100vw' };

/**
 * The <img> attributes for the component's props, and what else it needs to know (`meta`):
 * Next's `getImgProps`. `state` holds the component's `blurComplete` and `showAltText`.
 */
function imageProps(
  {
    src,
    sizes,
    unoptimized = false,
    priority = false,
    preload = false,
    loading,
    className,
    quality,
    width,
    height,
    fill = false,
    style,
    overrideSrc,
    onLoad,
    onLoadingComplete,
    placeholder = 'empty',
    blurDataURL,
    fetchPriority,
    decoding = 'async',
    layout,
    objectFit,
    objectPosition,
    lazyBoundary,
    lazyRoot,
    ...rest
  },
  { config = CONFIG, blurComplete = false, showAltText = false } = {},
) {
  let loader = rest.loader || defaultLoader;
  // Props of the component, not of the <img>.
  delete rest.loader;
  delete rest.srcSet;
  const isDefaultLoader = '__next_img_default' in loader;
  if (isDefaultLoader) {
    if (config.loader === 'custom') {
      throw new Error(
        `Image with src "${src}" is missing "loader" prop.\nRead more: https://nextjs.org/docs/messages/next-image-missing-loader`,
      );
    }
  } else {
    // The app's loader never sees the config, which is internal.
    const appLoader = loader;
    loader = ({ config: _internal, ...options }) => appLoader(options);
  }
  if (layout) {
    if (layout === 'fill') fill = true;
    if (LAYOUT_STYLES[layout]) style = { ...style, ...LAYOUT_STYLES[layout] };
    if (LAYOUT_SIZES[layout] && !sizes) sizes = LAYOUT_SIZES[layout];
  }

  let widthInt = toInt(width);
  let heightInt = toInt(height);
  let staticSrc = '';
  let blurWidth;
  let blurHeight;
  const data = staticImage(src);
  if (data) {
    const received = `Received ${JSON.stringify(data)}`;
    const only = 'An object should only be passed to the image component src parameter if it comes from a static image import.';
    if (!data.src) throw new Error(`${only} It must include src. ${received}`);
    if (!data.height || !data.width) throw new Error(`${only} It must include height and width. ${received}`);
    blurWidth = data.blurWidth;
    blurHeight = data.blurHeight;
    blurDataURL = blurDataURL || data.blurDataURL;
    staticSrc = data.src;
    if (!fill) {
      // A width or height alone keeps the file's aspect ratio.
      if (!widthInt && !heightInt) {
        widthInt = data.width;
        heightInt = data.height;
      } else if (widthInt && !heightInt) {
        heightInt = Math.round(data.height * (widthInt / data.width));
      } else if (!widthInt && heightInt) {
        widthInt = Math.round(data.width * (heightInt / data.height));
      }
    }
  }
  src = typeof src === 'string' ? src : staticSrc;

  let isLazy = !priority && !preload && (loading === 'lazy' || loading === undefined);
  if (!src || src.startsWith('data:') || src.startsWith('blob:')) {
    unoptimized = true;
    isLazy = false;
  }
  if (config.unoptimized) unoptimized = true;
  // SVGs are sent as they are rather than through the endpoint, which refuses them.
  if (isDefaultLoader && !config.dangerouslyAllowSVG && src.split('?', 1)[0].endsWith('.svg')) {
    unoptimized = true;
  }
  const qualityInt = toInt(quality);

  const imgStyle = Object.assign(
    fill
      ? { position: 'absolute', height: '100%', width: '100%', left: 0, top: 0, right: 0, bottom: 0, objectFit, objectPosition }
      : {},
    showAltText ? {} : { color: 'transparent' },
    style,
  );
  let backgroundImage = null;
  if (!blurComplete && placeholder !== 'empty') {
    backgroundImage =
      placeholder === 'blur'
        ? `url("data:image/svg+xml;charset=utf-8,${blurSvg({
            widthInt,
            heightInt,
            blurWidth,
            blurHeight,
            blurDataURL: blurDataURL || '',
            objectFit: imgStyle.objectFit,
          })}")`
        : `url("${placeholder}")`;
  }
  let backgroundSize = 'cover';
  if (!NO_BACKGROUND_SIZE.includes(imgStyle.objectFit)) backgroundSize = imgStyle.objectFit;
  else if (imgStyle.objectFit === 'fill') backgroundSize = '100% 100%';
  const placeholderStyle = backgroundImage
    ? {
        backgroundSize,
        backgroundPosition: imgStyle.objectPosition || '50% 50%',
        backgroundRepeat: 'no-repeat',
        backgroundImage,
      }
    : {};

  const sources = sourceAttributes({
    config,
    src,
    unoptimized,
    width: widthInt,
    quality: qualityInt,
    sizes,
    loader,
  });
  const props = {
    ...rest,
    loading: isLazy ? 'lazy' : loading,
    fetchPriority,
    width: widthInt,
    height: heightInt,
    decoding,
    className,
    style: { ...imgStyle, ...placeholderStyle },
    sizes: sources.sizes,
    srcSet: sources.srcSet,
    src: overrideSrc || sources.src,
  };
  return { props, meta: { unoptimized, preload: preload || priority, placeholder, fill } };
}

/** The <img> attributes `next/image` would render for `props`, without undefined ones. */
export function getImageProps(props) {
  const { props: attributes } = imageProps(props);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) delete attributes[name];
  }
  return { props: attributes };
}

/** Once the image at `img` is decoded: the placeholder goes, `onLoad` and `onLoadingComplete` run. */
function settle(img, placeholder, onLoadRef, onLoadingCompleteRef, setBlurComplete) {
  const src = img?.src;
  if (!img || img['data-loaded-src'] === src) return;
  img['data-loaded-src'] = src;
  const decoded = 'decode' in img ? img.decode() : Promise.resolve();
  decoded
    .catch(() => {})
    .then(() => {
      // Unmounted meanwhile.
      if (!img.parentElement || !img.isConnected) return;
      if (placeholder !== 'empty') setBlurComplete(true);
      if (onLoadRef?.current) {
        // The load event has passed: `onLoad` gets one shaped like React's.
        const event = new Event('load');
        Object.defineProperty(event, 'target', { writable: false, value: img });
        let prevented = false;
        let stopped = false;
        onLoadRef.current({
          ...event,
          nativeEvent: event,
          currentTarget: img,
          target: img,
          isDefaultPrevented: () => prevented,
          isPropagationStopped: () => stopped,
          persist: () => {},
          preventDefault: () => {
            prevented = true;
            event.preventDefault();
          },
          stopPropagation: () => {
            stopped = true;
            event.stopPropagation();
          },
        });
      }
      if (onLoadingCompleteRef?.current) onLoadingCompleteRef.current(img);
    });
}

/** One ref callback that sets both `first` and `second`. */
function useBothRefs(first, second) {
  return React.useCallback(
    (value) => {
      for (const ref of [first, second]) {
        if (typeof ref === 'function') ref(value);
        else if (ref) ref.current = value;
      }
    },
    [first, second],
  );
}

const ImageElement = React.forwardRef(function ImageElement(
  {
    src,
    srcSet,
    sizes,
    height,
    width,
    decoding,
    className,
    style,
    fetchPriority,
    placeholder,
    loading,
    unoptimized,
    fill,
    onLoadRef,
    onLoadingCompleteRef,
    setBlurComplete,
    setShowAltText,
    sizesInput,
    onLoad,
    onError,
    ...rest
  },
  forwardedRef,
) {
  const ownRef = React.useCallback(
    (img) => {
      if (!img) return;
      // An error before hydration is lost: setting `src` again replays it for `onError`.
      if (onError) img.src = img.src;
      if (img.complete) settle(img, placeholder, onLoadRef, onLoadingCompleteRef, setBlurComplete);
    },
    [src, placeholder, onLoadRef, onLoadingCompleteRef, setBlurComplete, onError, unoptimized, sizesInput],
  );
  const ref = useBothRefs(forwardedRef, ownRef);
  return h('img', {
    ...rest,
    fetchPriority,
    // Before `src`: Safari and Firefox lazy-load only when `loading` is set first.
    loading,
    width,
    height,
    decoding,
    'data-nimg': fill ? 'fill' : '1',
    className,
    style,
    sizes,
    srcSet,
    src,
    ref,
    onLoad: (event) => settle(event.currentTarget, placeholder, onLoadRef, onLoadingCompleteRef, setBlurComplete),
    onError: (event) => {
      // The alt text shows once the image is known to be missing.
      setShowAltText(true);
      if (placeholder !== 'empty') setBlurComplete(true);
      if (onError) onError(event);
    },
  });
});

/** The preload <link> of a `priority` image, in the document's head. */
function ImagePreload({ attributes }) {
  const key = `__nimg-${attributes.src}${attributes.srcSet}${attributes.sizes}`;
  return h(
    Head,
    null,
    h('link', {
      key,
      rel: 'preload',
      // Only without a srcset: a browser that ignores `imageSrcSet` would load the wrong file.
      href: attributes.srcSet ? undefined : attributes.src,
      as: 'image',
      imageSrcSet: attributes.srcSet,
      imageSizes: attributes.sizes,
      crossOrigin: attributes.crossOrigin,
      referrerPolicy: attributes.referrerPolicy,
      fetchPriority: attributes.fetchPriority,
    }),
  );
}

/** `next/image`'s default export. */
const Image = React.forwardRef(function Image(props, forwardedRef) {
  const { onLoad, onLoadingComplete } = props;
  const onLoadRef = React.useRef(onLoad);
  React.useEffect(() => {
    onLoadRef.current = onLoad;
  }, [onLoad]);
  const onLoadingCompleteRef = React.useRef(onLoadingComplete);
  React.useEffect(() => {
    onLoadingCompleteRef.current = onLoadingComplete;
  }, [onLoadingComplete]);
  const [blurComplete, setBlurComplete] = React.useState(false);
  const [showAltText, setShowAltText] = React.useState(false);
  const { props: attributes, meta } = imageProps(props, { config: CONFIG, blurComplete, showAltText });
  return h(
    React.Fragment,
    null,
    h(ImageElement, {
      ...attributes,
      unoptimized: meta.unoptimized,
      placeholder: meta.placeholder,
      fill: meta.fill,
      onLoadRef,
      onLoadingCompleteRef,
      setBlurComplete,
      setShowAltText,
      sizesInput: props.sizes,
      ref: forwardedRef,
    }),
    meta.preload ? h(ImagePreload, { attributes }) : null,
  );
});

export { Image };
export default Image;
