//! `Request`, `Response`, the body mixin and `FetchEvent`; the helpers behind [`super::Internals`].

pub(super) const SOURCE: &str = include_str!("fetch.js");

#[cfg(test)]
mod tests {
    use switchyard_jsc::JsError;

    use crate::web::ResponseBody;
    use crate::web::testing::harness;

    #[test]
    fn request_basics_and_method_normalization() {
        harness().run(
            r#"
            const r = new Request('https://example.com/a?b#c');
            assertEquals([r.method, r.url, r.mode, r.credentials, r.cache, r.redirect, r.referrer, r.body, r.bodyUsed, r.duplex],
              ['GET', 'https://example.com/a?b#c', 'cors', 'same-origin', 'default', 'follow', 'about:client', null, false, 'half']);
            assert(r.signal instanceof AbortSignal && !r.signal.aborted);
            assertEquals(new Request('https://a.com', { method: 'post' }).method, 'POST');
            assertEquals(new Request('https://a.com', { method: 'Delete' }).method, 'DELETE');
            assertEquals(new Request('https://a.com', { method: 'patch' }).method, 'patch', 'PATCH is not normalized');
            assertEquals(new Request('https://a.com', { method: 'CUSTOM' }).method, 'CUSTOM');
            assertThrows(() => new Request('https://a.com', { method: 'CONNECT' }), TypeError);
            assertThrows(() => new Request('https://a.com', { method: 'bad method' }), TypeError);
            assertThrows(() => new Request('/relative'), TypeError, /Failed to parse URL from \/relative/);
            assertThrows(() => new Request('https://u:p@a.com'), TypeError, /credentials/);
            assertThrows(() => new Request('https://a.com', { body: 'x' }), TypeError, /GET\/HEAD/);
            assertThrows(() => new Request('https://a.com', { method: 'HEAD', body: 'x' }), TypeError);
            assertThrows(() => new Request('https://a.com', { mode: 'navigate' }), TypeError);
            assertThrows(() => new Request('https://a.com', { redirect: 'bogus' }), TypeError);
            const withInit = new Request('https://a.com', { redirect: 'manual', cache: 'no-store', headers: { 'X-Y': 'z' } });
            assertEquals([withInit.redirect, withInit.cache, withInit.headers.get('x-y')], ['manual', 'no-store', 'z']);
            assertEquals(new Request('https://a.com', { method: 'GET', body: null }).body, null);
            "#,
        );
    }

    #[test]
    fn request_bodies() {
        harness().run(
            r#"
            const post = (body, extra) => new Request('https://a.com', { method: 'POST', body, ...extra });
            const text = post('hé');
            assertEquals(text.headers.get('content-type'), 'text/plain;charset=UTF-8');
            assertEquals(await text.text(), 'hé');
            assertEquals(text.bodyUsed, true);
            await assertRejects(text.text(), TypeError, /unusable/);

            const params = post(new URLSearchParams({ a: '1 2' }));
            assertEquals(params.headers.get('content-type'), 'application/x-www-form-urlencoded;charset=UTF-8');
            assertEquals(await params.text(), 'a=1+2');

            const bytes = post(new Uint8Array([104, 105]));
            assertEquals(bytes.headers.get('content-type'), null);
            assertEquals(new Uint8Array(await bytes.arrayBuffer()), new Uint8Array([104, 105]));
            const buffer = post(new Uint8Array([1, 2]).buffer);
            assertEquals([...await buffer.bytes()], [1, 2]);
            const json = post('{"k":[1]}', { headers: { 'content-type': 'application/json' } });
            assertEquals(json.headers.get('content-type'), 'application/json');
            assertEquals(await json.json(), { k: [1] });
            await assertRejects(post('not json').json(), SyntaxError);

            const streamed = post(new ReadableStream({ start(c) { c.enqueue(new Uint8Array([111, 107])); c.close(); } }), { duplex: 'half' });
            assertEquals(await streamed.text(), 'ok');
            assertThrows(() => post(new ReadableStream()), TypeError, /duplex/);

            const body = post('stream me').body;
            assert(body instanceof ReadableStream);
            const reader = body.getReader();
            const { value } = await reader.read();
            assertEquals(new TextDecoder().decode(value), 'stream me');
            assertEquals((await reader.read()).done, true);

            const wrongChunk = post(new ReadableStream({ start(c) { c.enqueue('not bytes'); c.close(); } }), { duplex: 'half' });
            await assertRejects(wrongChunk.text(), TypeError);
            "#,
        );
    }

    #[test]
    fn request_clone_and_construction_from_a_request() {
        harness().run(
            r#"
            const original = new Request('https://a.com/x', { method: 'PUT', body: 'payload', headers: { a: '1' } });
            const clone = original.clone();
            assertEquals(await clone.text(), 'payload');
            assertEquals(await original.text(), 'payload');
            assertThrows(() => original.clone(), TypeError);

            const source = new Request('https://a.com/x', { method: 'POST', body: 'moved', headers: { a: '1' } });
            const derived = new Request(source, { headers: { b: '2' } });
            assertEquals([derived.method, derived.url, derived.headers.get('a'), derived.headers.get('b')], ['POST', 'https://a.com/x', null, '2']);
            assertEquals(source.bodyUsed, true, 'the body moved to the new request');
            assertEquals(await derived.text(), 'moved');
            assertThrows(() => new Request(source), TypeError, /already been used/);

            const streamSource = new Request('https://a.com', { method: 'POST', duplex: 'half', body: new ReadableStream({ start(c) { c.enqueue(new Uint8Array([65])); c.close(); } }) });
            const streamClone = streamSource.clone();
            const streamDerived = new Request(streamSource);
            assertEquals(await streamDerived.text(), 'A');
            assertEquals(await streamClone.text(), 'A');

            const controller = new AbortController();
            const withSignal = new Request('https://a.com', { signal: controller.signal });
            const followed = new Request(withSignal);
            controller.abort('stop');
            assertEquals([withSignal.signal.aborted, withSignal.signal.reason], [true, 'stop']);
            assertEquals(followed.signal.aborted, true);
            "#,
        );
    }

    #[test]
    fn response_constructor_status_and_defaults() {
        harness().run(
            r#"
            const r = new Response('hello');
            assertEquals([r.status, r.statusText, r.ok, r.type, r.url, r.redirected, r.bodyUsed], [200, '', true, 'default', '', false, false]);
            assertEquals(r.headers.get('content-type'), 'text/plain;charset=UTF-8');
            assertEquals(await r.text(), 'hello');
            const created = new Response('{}', { status: 201, statusText: 'Created', headers: { 'Content-Type': 'application/json' } });
            assertEquals([created.status, created.statusText, created.headers.get('content-type')], [201, 'Created', 'application/json']);
            assertEquals(new Response(null, { status: 404 }).ok, false);
            assertEquals(new Response().body, null);
            assertEquals(await new Response().text(), '');
            for (const status of [199, 600, 0, 1000]) {
              assertThrows(() => new Response('x', { status }), RangeError, /status/);
            }
            assertThrows(() => new Response('x', { statusText: 'bad\ntext' }), TypeError);
            assertThrows(() => new Response('x', { status: 204 }), TypeError, /null body status/);
            assertEquals(new Response(null, { status: 204 }).status, 204);
            assertEquals(new Response(new URLSearchParams('a=b')).headers.get('content-type'), 'application/x-www-form-urlencoded;charset=UTF-8');
            assertEquals(new Response(new Uint8Array([1])).headers.get('content-type'), null);
            assertEquals(await new Response(42).text(), '42', 'other values are stringified');
            const stream = new ReadableStream();
            stream.getReader();
            assertThrows(() => new Response(stream), TypeError, /disturbed or locked/);
            assertEquals(Object.prototype.toString.call(r), '[object Response]');
            "#,
        );
    }

    #[test]
    fn response_json_redirect_and_error() {
        harness().run(
            r#"
            const json = Response.json({ a: [1, 'x'] }, { status: 202, headers: { 'x-extra': 'y' } });
            assertEquals([json.status, json.headers.get('content-type'), json.headers.get('x-extra')], [202, 'application/json', 'y']);
            assertEquals(await json.text(), '{"a":[1,"x"]}');
            assertEquals(Response.json(null).headers.get('content-type'), 'application/json');
            assertEquals(Response.json('s', { headers: { 'content-type': 'application/vnd+json' } }).headers.get('content-type'), 'application/vnd+json');
            assertThrows(() => Response.json(undefined), TypeError);
            assertThrows(() => Response.json(() => {}), TypeError);
            assertThrows(() => Response.json(10n), TypeError);
            assertThrows(() => Response.json({}, { status: 700 }), RangeError);

            const redirect = Response.redirect('https://example.com/next');
            assertEquals([redirect.status, redirect.headers.get('location'), redirect.body], [302, 'https://example.com/next', null]);
            for (const status of [301, 302, 303, 307, 308]) assertEquals(Response.redirect('https://a.com/', status).status, status);
            for (const status of [200, 300, 304, 309, 400]) assertThrows(() => Response.redirect('https://a.com/', status), RangeError, /Invalid status code/);
            assertThrows(() => Response.redirect('not a url'), TypeError);

            const error = Response.error();
            assertEquals([error.status, error.type, error.ok, error.body, error.statusText], [0, 'error', false, null, '']);
            "#,
        );
    }

    #[test]
    fn response_clone_tees_stream_bodies() {
        harness().run(
            r#"
            const r = new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('streamed')); c.close(); } }));
            const copy = r.clone();
            assertEquals(await copy.text(), 'streamed');
            assertEquals(await r.text(), 'streamed');
            assertThrows(() => r.clone(), TypeError);
            const plain = new Response('plain', { status: 418, statusText: 'Teapot' });
            const plainCopy = plain.clone();
            assertEquals([plainCopy.status, plainCopy.statusText, await plainCopy.text(), await plain.text()], [418, 'Teapot', 'plain', 'plain']);
            const arrayBuffer = await new Response('ab').arrayBuffer();
            assert(arrayBuffer instanceof ArrayBuffer && arrayBuffer.byteLength === 2);
            await assertRejects(new Response('x').blob(), TypeError);
            "#,
        );
    }

    #[test]
    fn responses_inspect_without_side_effects() {
        let h = harness();
        let response = h
            .eval("const logged = new Response('x', { status: 201 }); console.log(logged); logged");
        assert_eq!(
            h.log_lines(),
            vec![
                "Response {\n  status: 201,\n  statusText: '',\n  headers: Headers { 'content-type': 'text/plain;charset=UTF-8' },\n  body: ReadableStream { locked: false, state: 'readable', supportsBYOB: false },\n  bodyUsed: false,\n  ok: true,\n  redirected: false,\n  type: 'default',\n  url: ''\n}"
            ]
        );
        let parts = h.internals.read_response(&response).unwrap();
        assert!(matches!(parts.body, ResponseBody::Bytes(ref b) if b == b"x"));
        h.eval("assertEquals(Object.keys(logged), []); assertEquals(Object.getOwnPropertySymbols(logged), [])");
    }

    #[test]
    fn read_response_takes_the_fast_path_for_strings_and_bytes() {
        let h = harness();
        let parts = h
            .internals
            .read_response(&h.eval(
                "const r = new Response('hé', { status: 201, headers: [['Set-Cookie', 'a=1'], ['X-B', '2'], ['set-cookie', 'b=2'], ['x-b', '3']] }); r",
            ))
            .unwrap();
        assert_eq!(parts.status, 201);
        assert_eq!(
            parts.headers,
            vec![
                ("content-type".into(), "text/plain;charset=UTF-8".into()),
                ("set-cookie".into(), "a=1".into()),
                ("set-cookie".into(), "b=2".into()),
                ("x-b".into(), "2, 3".into()),
            ]
        );
        assert!(matches!(parts.body, ResponseBody::Bytes(ref b) if b == "hé".as_bytes()));
        h.eval("assertEquals(r.bodyUsed, true)");

        let bytes = h.eval("new Response(new Uint8Array([1, 2, 3]).subarray(1))");
        let parts = h.internals.read_response(&bytes).unwrap();
        assert!(matches!(parts.body, ResponseBody::Bytes(ref b) if b == &[2, 3]));
        assert!(parts.headers.is_empty());

        let empty = h
            .internals
            .read_response(&h.eval("new Response(null, { status: 204 })"))
            .unwrap();
        assert_eq!(empty.status, 204);
        assert!(matches!(empty.body, ResponseBody::Empty));

        let redirect = h
            .internals
            .read_response(&h.eval("Response.redirect('https://a.com/x', 307)"))
            .unwrap();
        assert_eq!(
            (redirect.status, redirect.headers),
            (307, vec![("location".into(), "https://a.com/x".into())])
        );
    }

    #[test]
    fn read_response_rejects_non_responses_and_used_bodies() {
        let h = harness();
        for source in [
            "({ status: 200 })",
            "'text'",
            "undefined",
            "new Request('https://a.com')",
        ] {
            let error = h.internals.read_response(&h.eval(source)).unwrap_err();
            match error {
                JsError::Thrown { name, message, .. } => {
                    assert_eq!(name, "TypeError");
                    assert_eq!(message, "Expected an instance of Response to be returned");
                }
                other => panic!("{other:?}"),
            }
        }
        let used = h.eval("const used = new Response('x'); used.text(); used");
        let error = h.internals.read_response(&used).unwrap_err();
        assert!(error.to_string().starts_with("TypeError"), "{error}");
        // A subclass (NextResponse extends Response) is a Response.
        let sub = h.eval("class Sub extends Response {}; new Sub('sub')");
        assert!(h.internals.read_response(&sub).is_ok());
    }

    #[test]
    fn stream_bodies_are_read_chunk_by_chunk() {
        let h = harness();
        h.in_local_set(|| {
            let value = h.eval(
                r#"
                new Response(new ReadableStream({
                  start(c) { c.enqueue(new TextEncoder().encode('one')); c.enqueue(new TextEncoder().encode('two')); c.close(); },
                }), { headers: { 'content-type': 'text/html' } })
                "#,
            );
            let parts = h.internals.read_response(&value).unwrap();
            assert_eq!(parts.headers, vec![("content-type".into(), "text/html".into())]);
            let ResponseBody::Stream(reader) = parts.body else {
                panic!("expected a stream");
            };
            h.ctx.global().set("reader", &reader).unwrap();
            let mut chunks = Vec::new();
            loop {
                let promise = h.internals.read_chunk(&reader).unwrap();
                h.ctx.global().set("pending", &promise).unwrap();
                // Settled promises resolve in the microtask checkpoint after this call.
                h.eval("pending.then((v) => { globalThis.chunk = v; })");
                let chunk = h.eval("chunk");
                match chunk.as_object() {
                    Some(bytes) => chunks.push(bytes.with_bytes(<[u8]>::to_vec).unwrap()),
                    None => break,
                }
            }
            assert_eq!(chunks, vec![b"one".to_vec(), b"two".to_vec()]);

            let bad = h.eval("new Response(new ReadableStream({ start(c) { c.enqueue('text'); } }))");
            let ResponseBody::Stream(reader) = h.internals.read_response(&bad).unwrap().body else {
                panic!("expected a stream");
            };
            let promise = h.internals.read_chunk(&reader).unwrap();
            h.ctx.global().set("pending", &promise).unwrap();
            h.eval("pending.then(() => { globalThis.outcome = 'ok'; }, (e) => { globalThis.outcome = `${e.name}: ${e.message}`; })");
            assert_eq!(h.string("outcome"), "TypeError: Received non-Uint8Array chunk");

            let source_body = h.eval("new Response('made a stream by reading .body').body && undefined");
            assert!(source_body.is_undefined());
        });
    }

    #[test]
    fn requests_from_rust_are_lazy_and_complete() {
        let h = harness();
        let headers = vec![
            ("Host".to_owned(), "example.com".to_owned()),
            ("cookie".to_owned(), "a=1".to_owned()),
            ("x-forwarded-for".to_owned(), "10.0.0.1".to_owned()),
        ];
        let request = h
            .internals
            .new_request("GET", "https://example.com/path?q=1", &headers, None)
            .unwrap();
        h.ctx.global().set("incoming", &request).unwrap();
        h.run(
            r#"
            assertEquals(incoming.body, null);
            assertEquals([...incoming.headers], [['cookie', 'a=1'], ['host', 'example.com'], ['x-forwarded-for', '10.0.0.1']]);
            assertEquals(new URL(incoming.url).searchParams.get('q'), '1');
            const copy = new Request(incoming, { headers: { extra: '1' } });
            assertEquals([...copy.headers], [['extra', '1']]);
            const clone = incoming.clone();
            assertEquals(clone.headers.get('cookie'), 'a=1');
            "#,
        );
        let no_headers = h
            .internals
            .new_request("HEAD", "http://a/", &[], Some(Vec::new()))
            .unwrap();
        h.ctx.global().set("bare", &no_headers).unwrap();
        h.run("assertEquals([...bare.headers], []); assertEquals(await bare.text(), '');");
        let bad = vec![("x".to_owned(), "a\0b".to_owned())];
        assert!(
            h.internals
                .new_request("GET", "http://a/", &bad, None)
                .is_err()
        );
    }

    #[test]
    fn streaming_request_bodies_from_rust() {
        let h = harness();
        let (stream, source) = h.internals.new_stream(16.0).unwrap();
        let request = h
            .internals
            .new_streaming_request("POST", "https://a.com/upload", &[], &stream)
            .unwrap();
        h.ctx.global().set("upload", &request).unwrap();
        assert_eq!(
            h.internals.push(&source, b"hello ".to_vec()).unwrap(),
            Some(10.0)
        );
        assert_eq!(
            h.internals.push(&source, b"world".to_vec()).unwrap(),
            Some(5.0)
        );
        h.internals.close(&source).unwrap();
        h.run("assertEquals(await upload.text(), 'hello world');");
        assert_eq!(h.internals.desired_size(&source).unwrap(), Some(0.0));

        let (stream, source) = h.internals.new_stream(1.0).unwrap();
        h.ctx.global().set("failing", &stream).unwrap();
        h.internals.error(&source, "client went away").unwrap();
        assert_eq!(h.internals.desired_size(&source).unwrap(), None);
        h.run("await assertRejects(new Response(failing).text(), TypeError, /client went away/);");
    }

    #[test]
    fn fetch_events_collect_wait_until_promises_and_requests_can_be_aborted() {
        let h = harness();
        let request = h
            .internals
            .new_request("GET", "https://a.com/", &[], None)
            .unwrap();
        let event = h.internals.new_fetch_event(&request).unwrap();
        h.ctx.global().set("event", &event).unwrap();
        h.ctx.global().set("incoming", &request).unwrap();
        h.eval(
            r#"
            assert(event instanceof FetchEvent && event instanceof Event);
            assertEquals(event.type, 'fetch');
            assertEquals(event.request, incoming);
            event.waitUntil(Promise.resolve(1));
            event.waitUntil(new Promise(() => {}));
            globalThis.aborts = [];
            incoming.signal.addEventListener('abort', () => aborts.push(incoming.signal.reason.name));
            "#,
        );
        let promises = h.internals.wait_until_promises(&event).unwrap();
        assert_eq!(promises.len(), 2);
        h.internals
            .abort_request(&request, Some("client disconnected"))
            .unwrap();
        h.eval("assertEquals(aborts, ['AbortError']); assertEquals(incoming.signal.reason.message, 'client disconnected')");
    }

    #[test]
    fn copying_a_request_from_rust_shares_its_headers_and_follows_its_signal() {
        let h = harness();
        let headers = vec![("x-a".to_owned(), "1".to_owned())];
        let request = h
            .internals
            .new_request("GET", "https://a.com/", &headers, None)
            .unwrap();
        h.ctx.global().set("incoming", &request).unwrap();
        h.eval(
            r#"
            globalThis.copy = new Request(incoming);
            assertEquals(copy.headers.get('x-a'), '1');
            assertEquals(incoming.headers.get('x-a'), '1');
            copy.headers.set('x-b', '2');
            assertEquals(incoming.headers.get('x-b'), null);
            globalThis.copyAborted = false;
            copy.signal.addEventListener('abort', () => { copyAborted = true; });
            "#,
        );
        h.internals.abort_request(&request, Some("gone")).unwrap();
        h.eval("assert(copyAborted); assertEquals(copy.signal.reason.message, 'gone')");
    }
}
