//! Links Debian's JavaScriptCore (WebKitGTK) through pkg-config.

fn main() {
    if let Err(error) = pkg_config::Config::new()
        .atleast_version("2.40")
        .probe("javascriptcoregtk-4.1")
    {
        panic!(
            "JavaScriptCore was not found ({error}). Install it with \
             `sudo apt-get install libjavascriptcoregtk-4.1-dev` or run `scripts/setup.sh`."
        );
    }
}
