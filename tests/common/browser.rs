//! A cookie-keeping HTTP client that follows no redirects, like a browser seen from the server.

use super::TestServer;

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub struct Browser<'a> {
    base: String,
    _server: std::marker::PhantomData<&'a TestServer>,
    agent: ureq::Agent,
    pub cookies: std::collections::BTreeMap<String, String>,
    /// The raw Set-Cookie headers of the last answer (to check their attributes).
    pub set_cookies: Vec<String>,
    /// An `X-Forwarded-For` sent with `get` and `post`, as a reverse proxy would add it.
    pub forwarded_for: Option<String>,
}

impl<'a> Browser<'a> {
    pub fn new(server: &'a TestServer) -> Browser<'a> {
        Browser::at(&server.base)
    }

    /// A browser of the server at `base` (e.g. a `ddci serve` child process).
    pub fn at(base: &str) -> Browser<'a> {
        let agent = ureq::AgentBuilder::new().redirects(0).build();
        Browser {
            base: base.to_string(),
            _server: std::marker::PhantomData,
            agent,
            cookies: Default::default(),
            set_cookies: Vec::new(),
            forwarded_for: None,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn keep(&mut self, response: &ureq::Response) {
        self.set_cookies = response
            .all("set-cookie")
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        for c in response.all("set-cookie") {
            let pair = c.split(';').next().unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
    }

    pub fn finish(&mut self, result: Result<ureq::Response, ureq::Error>) -> (u16, String, String) {
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        self.keep(&response);
        let location = response.header("location").unwrap_or_default().to_string();
        (
            response.status(),
            location,
            response.into_string().expect("body"),
        )
    }

    /// A request with the cookies and the forwarded address.
    fn request(&self, method: &str, path: &str) -> ureq::Request {
        let r = self
            .agent
            .request(method, &self.url(path))
            .set("cookie", &self.cookie_header());
        match &self.forwarded_for {
            Some(f) => r.set("x-forwarded-for", f),
            None => r,
        }
    }

    /// The status and one header of a GET (e.g. `cache-control`).
    pub fn header(&mut self, path: &str, name: &str) -> (u16, Option<String>) {
        let response = match self.request("GET", path).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        self.keep(&response);
        (response.status(), response.header(name).map(str::to_string))
    }

    pub fn get(&mut self, path: &str) -> (u16, String, String) {
        let result = self.request("GET", path).call();
        self.finish(result)
    }

    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        if !self.cookies.contains_key("csrf") {
            self.get("/");
        }
        let token = self.cookies["csrf"].clone();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        let result = self.request("POST", path).send_form(&all);
        self.finish(result)
    }

    /// A download: (status, Content-Type, Content-Disposition, bytes).
    pub fn download(&mut self, path: &str) -> (u16, String, String, Vec<u8>) {
        let result = self
            .agent
            .get(&self.url(path))
            .set("cookie", &self.cookie_header())
            .call();
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        self.keep(&response);
        let header = |name: &str| response.header(name).unwrap_or_default().to_string();
        let (status, content_type, disposition) = (
            response.status(),
            header("content-type"),
            header("content-disposition"),
        );
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).expect("body");
        (status, content_type, disposition, bytes)
    }

    /// A form POST like `post`, answering with the body's bytes (for file downloads).
    pub fn post_download(&mut self, path: &str, fields: &[(&str, &str)]) -> (u16, String, Vec<u8>) {
        if !self.cookies.contains_key("csrf") {
            self.get("/");
        }
        let token = self.cookies["csrf"].clone();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        let result = self
            .agent
            .post(&self.url(path))
            .set("cookie", &self.cookie_header())
            .send_form(&all);
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        self.keep(&response);
        let (status, disposition) = (
            response.status(),
            response
                .header("content-disposition")
                .unwrap_or_default()
                .to_string(),
        );
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).expect("body");
        (status, disposition, bytes)
    }

    /// A form POST without any CSRF token.
    pub fn post_without_token(&mut self, path: &str, fields: &[(&str, &str)]) -> u16 {
        let result = self
            .agent
            .post(&self.url(path))
            .set("cookie", &self.cookie_header())
            .send_form(fields);
        self.finish(result).0
    }
}

/// A browser signed in to the admin pages as `name` (an account made with the tests'
/// `ADMIN_PASSWORD`).
pub fn sign_in<'a>(server: &'a TestServer, name: &str) -> Browser<'a> {
    let mut b = Browser::new(server);
    let (status, location, _) = b.post(
        "/admin/login",
        &[
            ("username", name),
            ("password", super::ADMIN_PASSWORD),
            ("next", "/admin"),
        ],
    );
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin"),
        "{name} signs in"
    );
    b
}
