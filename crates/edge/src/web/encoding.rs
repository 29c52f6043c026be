//! `TextEncoder`, `TextDecoder`, `atob` and `btoa`: the byte work is done here with
//! `encoding_rs` and `base64`; `encoding.js` holds the WebIDL surface.

use std::cell::RefCell;
use std::rc::Rc;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use encoding_rs::{CoderResult, Decoder, DecoderResult, Encoding};
use switchyard_jsc::{Context, JsError, Object, Value};

use super::{string_arg, thrown, with_bytes_arg};

pub(super) const SOURCE: &str = include_str!("encoding.js");

/// The WHATWG forgiving-base64 decoder: padding optional, trailing bits ignored.
const FORGIVING: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Streaming decoders of this context, indexed by the handle JS holds.
#[derive(Default)]
struct Decoders {
    slots: Vec<Option<Decoder>>,
    free: Vec<usize>,
}

impl Decoders {
    fn open(&mut self, decoder: Decoder) -> usize {
        match self.free.pop() {
            Some(index) => {
                self.slots[index] = Some(decoder);
                index + 1
            }
            None => {
                self.slots.push(Some(decoder));
                self.slots.len()
            }
        }
    }

    fn close(&mut self, handle: usize) {
        if let Some(slot) = handle.checked_sub(1).and_then(|i| self.slots.get_mut(i))
            && slot.take().is_some()
        {
            self.free.push(handle - 1);
        }
    }
}

pub(super) fn install_host(ctx: &Context, host: &Object) -> Result<(), JsError> {
    ctx.define_function(host, "encodeUtf8", |ctx, _, args| {
        let text = string_arg(ctx, args, 0)?;
        Ok(ctx
            .uint8_array(text.into_bytes())
            .map_err(|e| thrown(ctx, e))?
            .into())
    })?;
    ctx.define_function(host, "decodeUtf8", |ctx, _, args| {
        let ignore_bom = args.get(1).is_some_and(Value::to_bool);
        let text = with_bytes_arg(ctx, args, 0, |bytes| {
            if ignore_bom {
                encoding_rs::UTF_8
                    .decode_without_bom_handling(bytes)
                    .0
                    .into_owned()
            } else {
                encoding_rs::UTF_8
                    .decode_with_bom_removal(bytes)
                    .0
                    .into_owned()
            }
        })?;
        Ok(ctx.string(&text))
    })?;
    ctx.define_function(host, "encodingForLabel", |ctx, _, args| {
        let label = string_arg(ctx, args, 0)?;
        Ok(match encoding_for_label(&label) {
            Some(encoding) => ctx.string(&encoding.name().to_ascii_lowercase()),
            None => ctx.null(),
        })
    })?;
    ctx.define_function(host, "decode", |ctx, _, args| {
        let encoding = encoding_arg(ctx, args, 0)?;
        let fatal = args.get(2).is_some_and(Value::to_bool);
        let ignore_bom = args.get(3).is_some_and(Value::to_bool);
        let mut decoder = new_decoder(encoding, ignore_bom);
        let text = with_bytes_arg(ctx, args, 1, |bytes| {
            decode(&mut decoder, bytes, fatal, true)
        })?;
        Ok(text.map_or_else(|| ctx.null(), |text| ctx.string(&text)))
    })?;

    let decoders = Rc::new(RefCell::new(Decoders::default()));
    let open = decoders.clone();
    ctx.define_function(host, "decoderOpen", move |ctx, _, args| {
        let encoding = encoding_arg(ctx, args, 0)?;
        let ignore_bom = args.get(1).is_some_and(Value::to_bool);
        let handle = open.borrow_mut().open(new_decoder(encoding, ignore_bom));
        Ok(ctx.number(handle as f64))
    })?;
    let decode_with = decoders.clone();
    ctx.define_function(host, "decoderDecode", move |ctx, _, args| {
        let handle = args.first().and_then(|v| v.to_number().ok()).unwrap_or(0.0) as usize;
        let fatal = args.get(2).is_some_and(Value::to_bool);
        let last = args.get(3).is_some_and(Value::to_bool);
        let mut decoders = decode_with.borrow_mut();
        let Some(Some(decoder)) = handle
            .checked_sub(1)
            .and_then(|i| decoders.slots.get_mut(i))
        else {
            return Err(ctx.error_of("TypeError", "TextDecoder: stream state lost"));
        };
        let text = with_bytes_arg(ctx, args, 1, |bytes| decode(decoder, bytes, fatal, last))?;
        if last || text.is_none() {
            decoders.close(handle);
        }
        Ok(text.map_or_else(|| ctx.null(), |text| ctx.string(&text)))
    })?;
    let free = decoders;
    ctx.define_function(host, "decoderFree", move |ctx, _, args| {
        let handle = args.first().and_then(|v| v.to_number().ok()).unwrap_or(0.0) as usize;
        free.borrow_mut().close(handle);
        Ok(ctx.undefined())
    })?;

    ctx.define_function(host, "atob", |ctx, _, args| {
        let data = string_arg(ctx, args, 0)?;
        Ok(match atob(&data) {
            Some(text) => ctx.string(&text),
            None => ctx.null(),
        })
    })?;
    ctx.define_function(host, "btoa", |ctx, _, args| {
        let data = string_arg(ctx, args, 0)?;
        Ok(match btoa(&data) {
            Some(text) => ctx.string(&text),
            None => ctx.null(),
        })
    })?;
    Ok(())
}

/// The encoding for a WHATWG label; `replacement` is not decodable through TextDecoder.
fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.as_bytes()).filter(|encoding| *encoding != encoding_rs::REPLACEMENT)
}

fn new_decoder(encoding: &'static Encoding, ignore_bom: bool) -> Decoder {
    if ignore_bom {
        encoding.new_decoder_without_bom_handling()
    } else {
        encoding.new_decoder_with_bom_removal()
    }
}

/// Decodes `bytes`; `None` when `fatal` and the input is malformed.
fn decode(decoder: &mut Decoder, bytes: &[u8], fatal: bool, last: bool) -> Option<String> {
    let capacity = decoder
        .max_utf8_buffer_length(bytes.len())
        .unwrap_or(bytes.len() * 3 + 16);
    let mut text = String::with_capacity(capacity);
    if fatal {
        let (result, _read) = decoder.decode_to_string_without_replacement(bytes, &mut text, last);
        match result {
            DecoderResult::InputEmpty => Some(text),
            DecoderResult::Malformed(_, _) | DecoderResult::OutputFull => None,
        }
    } else {
        let (result, _read, _replaced) = decoder.decode_to_string(bytes, &mut text, last);
        debug_assert!(matches!(result, CoderResult::InputEmpty));
        Some(text)
    }
}

/// `atob`: forgiving-base64 decode to a binary string; `None` on invalid input.
pub(super) fn atob(data: &str) -> Option<String> {
    let cleaned: Vec<u8> = data
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r'))
        .collect();
    if !data.is_ascii() {
        return None;
    }
    let mut input = cleaned.as_slice();
    if input.len().is_multiple_of(4) {
        if let Some(rest) = input.strip_suffix(b"==") {
            input = rest;
        } else if let Some(rest) = input.strip_suffix(b"=") {
            input = rest;
        }
    }
    if input.len() % 4 == 1 || input.contains(&b'=') {
        return None;
    }
    let bytes = FORGIVING.decode(input).ok()?;
    Some(bytes.into_iter().map(char::from).collect())
}

/// `btoa`: base64 of a binary string; `None` if a character is above U+00FF.
pub(super) fn btoa(data: &str) -> Option<String> {
    let bytes = data
        .chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect::<Option<Vec<u8>>>()?;
    Some(base64::engine::general_purpose::STANDARD.encode(bytes))
}

fn encoding_arg(ctx: &Context, args: &[Value], index: usize) -> Result<&'static Encoding, Value> {
    let label = string_arg(ctx, args, index)?;
    encoding_for_label(&label).ok_or_else(|| ctx.error_of("RangeError", "unknown encoding"))
}

#[cfg(test)]
mod tests {
    use super::{atob, btoa};
    use crate::web::testing::harness;

    #[test]
    fn text_encoder_encodes_utf8() {
        harness().eval(
            r#"
            const encoder = new TextEncoder();
            assertEquals(encoder.encoding, 'utf-8');
            assertEquals([...encoder.encode('hé€😀')], [0x68, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
            assertEquals([...encoder.encode('\ud800')], [0xef, 0xbf, 0xbd], 'lone surrogate');
            assertEquals(encoder.encode().length, 0);
            assert(encoder.encode('x') instanceof Uint8Array);

            const dest = new Uint8Array(5);
            assertEquals(encoder.encodeInto('a€b', dest), { read: 3, written: 5 });
            assertEquals([...dest], [0x61, 0xe2, 0x82, 0xac, 0x62]);
            const small = new Uint8Array(4);
            assertEquals(encoder.encodeInto('a€😀', small), { read: 2, written: 4 }, 'stops before a char that does not fit');
            assertEquals(encoder.encodeInto('😀', new Uint8Array(3)), { read: 0, written: 0 });
            assertThrows(() => encoder.encodeInto('x', []), TypeError);
            const lone = new Uint8Array(8);
            assertEquals(encoder.encodeInto('\udc00a\ud800', lone), { read: 3, written: 7 });
            assertEquals([...lone.subarray(0, 7)], [0xef, 0xbf, 0xbd, 0x61, 0xef, 0xbf, 0xbd]);
            // Short strings are encoded in script, long ones in Rust: both give encode()'s bytes.
            for (const text of ['hé€😀\ud800x'.repeat(10), 'hé€😀\ud800x'.repeat(300)]) {
              const expected = encoder.encode(text);
              const into = new Uint8Array(expected.length);
              assertEquals(encoder.encodeInto(text, into), { read: text.length, written: expected.length });
              assertEquals([...into], [...expected]);
            }
            "#,
        );
    }

    #[test]
    fn text_decoder_decodes_with_labels_bom_and_fatal() {
        harness().eval(
            r#"
            const bytes = (...b) => new Uint8Array(b);
            assertEquals(new TextDecoder().decode(bytes(0xe2, 0x82, 0xac)), '€');
            assertEquals(new TextDecoder().decode(bytes(0xef, 0xbb, 0xbf, 0x41)), 'A', 'BOM removed');
            assertEquals(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes(0xef, 0xbb, 0xbf, 0x41)), '\ufeffA');
            assertEquals(new TextDecoder().decode(bytes(0xff, 0x41)), '\ufffdA');
            assertThrows(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes(0xff)), TypeError,
              /The encoded data was not valid for encoding utf-8/);
            assertEquals(new TextDecoder().decode(new Uint8Array([0x68, 0x69]).buffer), 'hi', 'ArrayBuffer');
            assertEquals(new TextDecoder().decode(new DataView(new Uint8Array([0x6f, 0x6b]).buffer)), 'ok', 'DataView');
            assertEquals(new TextDecoder().decode(new Uint8Array([1, 0x68, 0x69, 2]).subarray(1, 3)), 'hi', 'offset view');
            assertEquals(new TextDecoder().decode(), '');

            const latin1 = new TextDecoder('latin1');
            assertEquals(latin1.encoding, 'windows-1252');
            assertEquals(latin1.decode(bytes(0xe9, 0x80)), 'é€');
            assertEquals(new TextDecoder(' UTF8 ').encoding, 'utf-8');
            assertEquals(new TextDecoder('utf-16le').decode(bytes(0x3d, 0xd8, 0x00, 0xde)), '😀');
            assertEquals(new TextDecoder('shift_jis').decode(bytes(0x82, 0xa0)), 'あ');
            assertThrows(() => new TextDecoder('no-such-encoding'), RangeError);
            assertThrows(() => new TextDecoder('replacement'), RangeError);
            assertThrows(() => new TextDecoder().decode('string'), TypeError);
            const d = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
            assertEquals([d.fatal, d.ignoreBOM], [true, true]);
            "#,
        );
    }

    #[test]
    fn text_decoder_streams_across_split_characters() {
        harness().eval(
            r#"
            const decoder = new TextDecoder();
            const euro = [0xe2, 0x82, 0xac];
            let out = decoder.decode(new Uint8Array([0x61, euro[0]]), { stream: true });
            out += decoder.decode(new Uint8Array([euro[1]]), { stream: true });
            out += decoder.decode(new Uint8Array([euro[2], 0x62]), { stream: true });
            out += decoder.decode();
            assertEquals(out, 'a€b');

            // An unfinished sequence at the end of the stream becomes U+FFFD on flush.
            assertEquals(decoder.decode(new Uint8Array([0xf0, 0x9f]), { stream: true }), '');
            assertEquals(decoder.decode(), '\ufffd');

            // The BOM is removed once, at the start of the stream.
            const bom = new TextDecoder();
            assertEquals(bom.decode(new Uint8Array([0xef, 0xbb]), { stream: true }) + bom.decode(new Uint8Array([0xbf, 0x41, 0xef, 0xbb, 0xbf]), { stream: true }) + bom.decode(), 'A\ufeff');

            const fatal = new TextDecoder('utf-8', { fatal: true });
            assertEquals(fatal.decode(new Uint8Array([0xe2]), { stream: true }), '');
            assertThrows(() => fatal.decode(new Uint8Array([0x41])), TypeError);
            assertEquals(fatal.decode(new Uint8Array([0x41])), 'A', 'fresh state after an error');

            const utf16 = new TextDecoder('utf-16be');
            assertEquals(utf16.decode(new Uint8Array([0x00]), { stream: true }) + utf16.decode(new Uint8Array([0x41])), 'A');
            "#,
        );
    }

    #[test]
    fn atob_and_btoa() {
        harness().eval(
            r#"
            assertEquals(btoa('hello'), 'aGVsbG8=');
            assertEquals(btoa('\xff\xfe'), '//4=');
            assertEquals(btoa(''), '');
            assertEquals(atob('aGVsbG8='), 'hello');
            assertEquals(atob('aGVsbG8'), 'hello', 'padding is optional');
            assertEquals(atob(' aGVs\nbG8= '), 'hello', 'ASCII whitespace is ignored');
            assertEquals(atob('//4='), '\xff\xfe');
            assertEquals(atob('YR'), 'a', 'trailing bits are discarded');
            for (const bad of ['a', 'aGVsbG8==', 'aGV=sbG8', '*', 'aGVsbG8===', 'é']) {
              const error = assertThrows(() => atob(bad), DOMException);
              assertEquals(error.name, 'InvalidCharacterError', bad);
              assertEquals(error.code, 5);
            }
            const error = assertThrows(() => btoa('€'), DOMException);
            assertEquals(error.name, 'InvalidCharacterError');
            assertEquals(atob(null), '\x9e\xe9e', 'null converts to "null"');
            assertThrows(() => atob(), TypeError);
            "#,
        );
    }

    #[test]
    fn forgiving_base64_edge_cases() {
        assert_eq!(atob("").as_deref(), Some(""));
        assert_eq!(atob("===="), None);
        assert_eq!(atob("AA==").as_deref(), Some("\0"));
        assert_eq!(atob("AA=").as_deref(), None);
        assert_eq!(btoa("\u{100}"), None);
        assert_eq!(btoa("a").as_deref(), Some("YQ=="));
    }

    #[test]
    fn text_encoder_stream_joins_split_surrogate_pairs() {
        harness().run(
            r#"
            const stream = new TextEncoderStream();
            assertEquals(stream.encoding, 'utf-8');
            assertEquals(Object.prototype.toString.call(stream), '[object TextEncoderStream]');
            const writer = stream.writable.getWriter();
            const chunks = [];
            const reading = (async () => { for await (const chunk of stream.readable) chunks.push(Array.from(chunk)); })();
            await writer.write('a');
            await writer.write('');
            await writer.write('\uD83D');          // the high half of U+1F600
            await writer.write('\uDE00b');         // the low half, then 'b'
            await writer.write('\uD800');          // a lone high surrogate at the end
            await writer.close();
            await reading;
            assertEquals(chunks, [[0x61], [0xf0, 0x9f, 0x98, 0x80, 0x62], [0xef, 0xbf, 0xbd]]);
            assert(stream.readable instanceof ReadableStream && stream.writable instanceof WritableStream);
            assertThrows(() => Object.getOwnPropertyDescriptor(TextEncoderStream.prototype, 'readable').get.call({}), TypeError);
            "#,
        );
    }

    #[test]
    fn text_decoder_stream_decodes_across_split_sequences() {
        harness().run(
            r#"
            const bytes = new TextEncoder().encode('h€llo 😀!');
            const source = new ReadableStream({
              start(c) {
                // One byte at a time: every multi-byte sequence is split across chunks.
                for (const byte of bytes) c.enqueue(new Uint8Array([byte]));
                c.close();
              },
            });
            let text = '';
            for await (const part of source.pipeThrough(new TextDecoderStream())) text += part;
            assertEquals(text, 'h€llo 😀!');

            const stream = new TextDecoderStream('latin1', { fatal: false, ignoreBOM: true });
            assertEquals([stream.encoding, stream.fatal, stream.ignoreBOM], ['windows-1252', false, true]);
            assertThrows(() => new TextDecoderStream('nope'), RangeError);

            // A truncated sequence at the end becomes U+FFFD; with fatal it errors the stream.
            const collect = async (chunks, options) => {
              const s = new ReadableStream({ start(c) { for (const x of chunks) c.enqueue(x); c.close(); } });
              let out = '';
              for await (const part of s.pipeThrough(new TextDecoderStream('utf-8', options))) out += part;
              return out;
            };
            assertEquals(await collect([new Uint8Array([0x61, 0xe2, 0x82])]), 'a\uFFFD');
            await assertRejects(collect([new Uint8Array([0x61, 0xe2, 0x82])], { fatal: true }), TypeError);
            assertEquals(await collect([new Uint8Array([0xef, 0xbb, 0xbf, 0x78]).buffer]), 'x', 'BOM removed, ArrayBuffer chunks accepted');
            await assertRejects(collect(['not bytes']), TypeError);

            // Encoder into decoder.
            const round = new ReadableStream({ start(c) { c.enqueue('ü'); c.enqueue('ber'); c.close(); } })
              .pipeThrough(new TextEncoderStream())
              .pipeThrough(new TextDecoderStream());
            let again = '';
            for await (const part of round) again += part;
            assertEquals(again, 'über');
            "#,
        );
    }
}
