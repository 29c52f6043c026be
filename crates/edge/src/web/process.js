// `process`, `self` and `EdgeRuntime`, as the Next.js Edge sandbox defines them.
//
// `process.env` holds the configured variables plus NEXT_RUNTIME=edge. Every other key of
// Node's `process` reads `undefined` for data and a function that throws the Next.js
// "A Node.js API is used" error for methods (nextjs-runtime-behaviour.md §2.1, §2.3).
(function (host, $) {
  'use strict';

  // Object.keys(process) of Node.js 20: [name, isFunction].
  const NODE_PROCESS_KEYS = [
    ['version', 0], ['versions', 0], ['arch', 0], ['platform', 0], ['release', 0],
    ['_rawDebug', 1], ['moduleLoadList', 0], ['binding', 1], ['_linkedBinding', 1],
    ['_events', 0], ['_eventsCount', 0], ['_maxListeners', 0], ['domain', 0], ['_exiting', 0],
    ['exitCode', 0], ['config', 0], ['dlopen', 1], ['uptime', 1], ['_getActiveRequests', 1],
    ['_getActiveHandles', 1], ['getActiveResourcesInfo', 1], ['reallyExit', 1], ['_kill', 1],
    ['loadEnvFile', 1], ['cpuUsage', 1], ['resourceUsage', 1], ['memoryUsage', 1],
    ['constrainedMemory', 1], ['availableMemory', 1], ['kill', 1], ['exit', 1], ['hrtime', 1],
    ['openStdin', 1], ['getuid', 1], ['geteuid', 1], ['getgid', 1], ['getegid', 1],
    ['getgroups', 1], ['allowedNodeEnvironmentFlags', 0], ['assert', 1], ['features', 0],
    ['_fatalException', 1], ['setUncaughtExceptionCaptureCallback', 1],
    ['hasUncaughtExceptionCaptureCallback', 1], ['emitWarning', 1], ['nextTick', 1],
    ['_tickCallback', 1], ['sourceMapsEnabled', 0], ['setSourceMapsEnabled', 1],
    ['getBuiltinModule', 1], ['_debugProcess', 1], ['_debugEnd', 1],
    ['_startProfilerIdleNotifier', 1], ['_stopProfilerIdleNotifier', 1], ['stdout', 0],
    ['stdin', 0], ['stderr', 0], ['abort', 1], ['umask', 1], ['chdir', 1], ['cwd', 1],
    ['initgroups', 1], ['setgroups', 1], ['setegid', 1], ['seteuid', 1], ['setgid', 1],
    ['setuid', 1], ['title', 0], ['argv', 0], ['execArgv', 0], ['pid', 0], ['ppid', 0],
    ['execPath', 0], ['debugPort', 0], ['argv0', 0], ['_eval', 0], ['_preload_modules', 0],
    ['report', 0],
  ];

  const unsupported = (name) => {
    const error = new Error(
      `A Node.js API is used (${name}) which is not supported in the Edge Runtime.\nLearn more: https://nextjs.org/docs/api-reference/edge-runtime`,
    );
    error.name = 'Error';
    return error;
  };

  const nodeKeys = new Map(NODE_PROCESS_KEYS);
  const env = host.env;
  env.NEXT_RUNTIME = 'edge';
  // One proxy instead of eighty accessors: `env` and assigned keys live on the target.
  const process = new Proxy({ env }, {
    get(target, key, receiver) {
      if (Object.hasOwn(target, key) || typeof key !== 'string' || !nodeKeys.has(key)) {
        return Reflect.get(target, key, receiver);
      }
      if (nodeKeys.get(key)) {
        return () => {
          throw unsupported(`process.${key}`);
        };
      }
      return undefined;
    },
    has(target, key) {
      return Reflect.has(target, key) || (typeof key === 'string' && nodeKeys.has(key));
    },
  });

  $.defineGlobal('process', process);
  $.defineGlobal('EdgeRuntime', 'edge-runtime');
  Object.defineProperty(globalThis, 'self', { value: globalThis, writable: true, configurable: true, enumerable: true });
});
