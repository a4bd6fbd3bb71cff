//! Node binding of littlefs (the C sources come from the `littlefs2-sys` crate) whose block
//! device is a JavaScript object: littlefs's read/prog/erase/sync callbacks call synchronously
//! back into `device.read(block, off, len)`, `device.prog(block, off, bytes)`,
//! `device.erase(block)` and `device.sync()` on the same call stack as the littlefs operation.
//!
//! A device callback that throws makes the littlefs operation fail with LFS_ERR_IO; the
//! operation then throws a JS Error with `code = "LFS_ERR_IO"` and the original exception as
//! `cause`. A thrown object whose `code` is "LFS_ERR_CORRUPT" is not an I/O failure but the
//! block device's way to report a bad block: littlefs receives LFS_ERR_CORRUPT and relocates.

#![allow(clippy::missing_safety_doc)]

use std::collections::HashMap;
use std::ffi::{c_int, c_void, CStr, CString};
use std::ptr;

use littlefs2_sys as lfs;
use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;

// ---------------------------------------------------------------------------------------------
// Error codes

fn err_name(code: i32) -> &'static str {
  match code {
    0 => "LFS_ERR_OK",
    -5 => "LFS_ERR_IO",
    -84 => "LFS_ERR_CORRUPT",
    -2 => "LFS_ERR_NOENT",
    -17 => "LFS_ERR_EXIST",
    -20 => "LFS_ERR_NOTDIR",
    -21 => "LFS_ERR_ISDIR",
    -39 => "LFS_ERR_NOTEMPTY",
    -9 => "LFS_ERR_BADF",
    -27 => "LFS_ERR_FBIG",
    -22 => "LFS_ERR_INVAL",
    -28 => "LFS_ERR_NOSPC",
    -12 => "LFS_ERR_NOMEM",
    -61 => "LFS_ERR_NOATTR",
    -36 => "LFS_ERR_NAMETOOLONG",
    _ => "LFS_ERR_UNKNOWN",
  }
}

const LFS_ERR_IO: c_int = -5;
const LFS_ERR_CORRUPT: c_int = -84;
const LFS_ERR_INVAL: c_int = -22;
const LFS_ERR_BADF: c_int = -9;

/// Throws `new Error(message)` with `.code` (the littlefs error name), `.errno` (the negative
/// littlefs code), `.op` and, when given, `.cause`; returns the napi-rs error that tells the
/// generated glue an exception is already pending.
unsafe fn throw_lfs(env: sys::napi_env, code: i32, op: &str, detail: &str, cause: sys::napi_value) -> Error {
  let name = err_name(code);
  let msg = if detail.is_empty() {
    format!("{name} ({code}) in {op}")
  } else {
    format!("{name} ({code}) in {op}: {detail}")
  };
  let mut js_code = ptr::null_mut();
  let mut js_msg = ptr::null_mut();
  let mut js_err = ptr::null_mut();
  sys::napi_create_string_utf8(env, name.as_ptr() as *const _, name.len(), &mut js_code);
  sys::napi_create_string_utf8(env, msg.as_ptr() as *const _, msg.len(), &mut js_msg);
  sys::napi_create_error(env, js_code, js_msg, &mut js_err);
  let mut js_errno = ptr::null_mut();
  sys::napi_create_int32(env, code, &mut js_errno);
  sys::napi_set_named_property(env, js_err, c"errno".as_ptr(), js_errno);
  let mut js_op = ptr::null_mut();
  sys::napi_create_string_utf8(env, op.as_ptr() as *const _, op.len(), &mut js_op);
  sys::napi_set_named_property(env, js_err, c"op".as_ptr(), js_op);
  if !cause.is_null() {
    sys::napi_set_named_property(env, js_err, c"cause".as_ptr(), cause);
  }
  sys::napi_throw(env, js_err);
  Error::new(Status::PendingException, msg)
}

// ---------------------------------------------------------------------------------------------
// State shared with the C callbacks (pinned in a Box; lfs_config.context points at it)

struct OpenFile {
  flags: u32,
  file: lfs::lfs_file_t,
  cfg: lfs::lfs_file_config,
  _buf: Vec<u8>,
}

struct State {
  lfs: lfs::lfs_t,
  cfg: lfs::lfs_config,
  read_buf: Vec<u8>,
  prog_buf: Vec<u8>,
  lookahead_buf: Vec<u8>,
  /// Reference to the JS device object.
  device_ref: sys::napi_ref,
  /// Valid only during a call into littlefs: the env and the device value of the current call.
  env: sys::napi_env,
  device: sys::napi_value,
  /// First exception thrown by a device callback during the current call.
  pending: sys::napi_ref,
  busy: bool,
  mounted: bool,
  files: HashMap<u32, Box<OpenFile>>,
  next_handle: u32,
  calls: [f64; 4],
}

impl State {
  /// Records a callback failure (the first one of the current call wins).
  /// The exception is kept in a holder object `{ v: exc }`: Node-API before version 10 cannot
  /// reference a primitive (a device may `throw 42`).
  unsafe fn record(&mut self, exc: sys::napi_value) {
    if self.pending.is_null() {
      let mut holder = ptr::null_mut();
      sys::napi_create_object(self.env, &mut holder);
      sys::napi_set_named_property(self.env, holder, c"v".as_ptr(), exc);
      let mut r = ptr::null_mut();
      if sys::napi_create_reference(self.env, holder, 1, &mut r) == sys::Status::napi_ok {
        self.pending = r;
      }
    }
  }

  unsafe fn record_message(&mut self, msg: &str) {
    let mut m = ptr::null_mut();
    let mut e = ptr::null_mut();
    sys::napi_create_string_utf8(self.env, msg.as_ptr() as *const _, msg.len(), &mut m);
    sys::napi_create_error(self.env, ptr::null_mut(), m, &mut e);
    self.record(e);
  }

  /// Calls `device[name](...args)`; on a throw, classifies the exception and returns the
  /// littlefs error code to hand back to littlefs.
  unsafe fn call(&mut self, name: &CStr, args: &[sys::napi_value], optional: bool) -> std::result::Result<sys::napi_value, c_int> {
    if !self.pending.is_null() {
      // The device already failed during this operation: do not touch it again.
      return Err(LFS_ERR_IO);
    }
    let env = self.env;
    let mut f = ptr::null_mut();
    if sys::napi_get_named_property(env, self.device, name.as_ptr(), &mut f) != sys::Status::napi_ok {
      return Err(self.take_exception());
    }
    let mut t = 0;
    sys::napi_typeof(env, f, &mut t);
    if t != sys::ValueType::napi_function {
      if optional {
        let mut u = ptr::null_mut();
        sys::napi_get_undefined(env, &mut u);
        return Ok(u);
      }
      self.record_message(&format!("block device has no {}() method", name.to_string_lossy()));
      return Err(LFS_ERR_IO);
    }
    let mut result = ptr::null_mut();
    let st = sys::napi_call_function(env, self.device, f, args.len(), args.as_ptr(), &mut result);
    if st != sys::Status::napi_ok {
      return Err(self.take_exception());
    }
    Ok(result)
  }

  unsafe fn take_exception(&mut self) -> c_int {
    let env = self.env;
    let mut pending = false;
    sys::napi_is_exception_pending(env, &mut pending);
    if !pending {
      self.record_message("block device call failed");
      return LFS_ERR_IO;
    }
    let mut exc = ptr::null_mut();
    sys::napi_get_and_clear_last_exception(env, &mut exc);
    // A bad block: { code: "LFS_ERR_CORRUPT" } goes to littlefs as LFS_ERR_CORRUPT.
    let mut t = 0;
    sys::napi_typeof(env, exc, &mut t);
    if t == sys::ValueType::napi_object {
      let mut code = ptr::null_mut();
      if sys::napi_get_named_property(env, exc, c"code".as_ptr(), &mut code) == sys::Status::napi_ok {
        let mut buf = [0u8; 32];
        let mut len = 0usize;
        if sys::napi_get_value_string_utf8(env, code, buf.as_mut_ptr() as *mut _, buf.len(), &mut len) == sys::Status::napi_ok
          && &buf[..len] == b"LFS_ERR_CORRUPT"
        {
          return LFS_ERR_CORRUPT;
        }
      }
    }
    self.record(exc);
    LFS_ERR_IO
  }
}

unsafe fn state_of(c: *const lfs::lfs_config) -> &'static mut State {
  &mut *((*c).context as *mut State)
}

struct Scope(sys::napi_env, sys::napi_handle_scope);
impl Scope {
  unsafe fn open(env: sys::napi_env) -> Scope {
    let mut s = ptr::null_mut();
    sys::napi_open_handle_scope(env, &mut s);
    Scope(env, s)
  }
}
impl Drop for Scope {
  fn drop(&mut self) {
    unsafe {
      sys::napi_close_handle_scope(self.0, self.1);
    }
  }
}

unsafe fn u32v(env: sys::napi_env, v: u32) -> sys::napi_value {
  let mut r = ptr::null_mut();
  sys::napi_create_uint32(env, v, &mut r);
  r
}

unsafe extern "C" fn bd_read(c: *const lfs::lfs_config, block: lfs::lfs_block_t, off: lfs::lfs_off_t, buffer: *mut c_void, size: lfs::lfs_size_t) -> c_int {
  let s = state_of(c);
  s.calls[0] += 1.0;
  let _scope = Scope::open(s.env);
  let args = [u32v(s.env, block), u32v(s.env, off), u32v(s.env, size)];
  let r = match s.call(c"read", &args, false) {
    Ok(r) => r,
    Err(code) => return code,
  };
  let mut is_ta = false;
  sys::napi_is_typedarray(s.env, r, &mut is_ta);
  if !is_ta {
    s.record_message(&format!("device.read({block}, {off}, {size}) did not return a Uint8Array"));
    return LFS_ERR_IO;
  }
  let mut ty = 0;
  let mut len = 0usize;
  let mut data: *mut c_void = ptr::null_mut();
  let mut ab = ptr::null_mut();
  let mut bo = 0usize;
  sys::napi_get_typedarray_info(s.env, r, &mut ty, &mut len, &mut data, &mut ab, &mut bo);
  if ty != sys::TypedarrayType::uint8_array as i32 || len != size as usize {
    s.record_message(&format!("device.read({block}, {off}, {size}) returned {len} elements of typed array type {ty}, expected a Uint8Array of {size} bytes"));
    return LFS_ERR_IO;
  }
  if size > 0 {
    ptr::copy_nonoverlapping(data as *const u8, buffer as *mut u8, size as usize);
  }
  0
}

unsafe extern "C" fn bd_prog(c: *const lfs::lfs_config, block: lfs::lfs_block_t, off: lfs::lfs_off_t, buffer: *const c_void, size: lfs::lfs_size_t) -> c_int {
  let s = state_of(c);
  s.calls[1] += 1.0;
  let _scope = Scope::open(s.env);
  let mut data: *mut c_void = ptr::null_mut();
  let mut ab = ptr::null_mut();
  sys::napi_create_arraybuffer(s.env, size as usize, &mut data, &mut ab);
  if size > 0 {
    ptr::copy_nonoverlapping(buffer as *const u8, data as *mut u8, size as usize);
  }
  let mut ta = ptr::null_mut();
  sys::napi_create_typedarray(s.env, sys::TypedarrayType::uint8_array as i32, size as usize, ab, 0, &mut ta);
  let args = [u32v(s.env, block), u32v(s.env, off), ta];
  match s.call(c"prog", &args, false) {
    Ok(_) => 0,
    Err(code) => code,
  }
}

unsafe extern "C" fn bd_erase(c: *const lfs::lfs_config, block: lfs::lfs_block_t) -> c_int {
  let s = state_of(c);
  s.calls[2] += 1.0;
  let _scope = Scope::open(s.env);
  let args = [u32v(s.env, block)];
  match s.call(c"erase", &args, false) {
    Ok(_) => 0,
    Err(code) => code,
  }
}

unsafe extern "C" fn bd_sync(c: *const lfs::lfs_config) -> c_int {
  let s = state_of(c);
  s.calls[3] += 1.0;
  let _scope = Scope::open(s.env);
  match s.call(c"sync", &[], true) {
    Ok(_) => 0,
    Err(code) => code,
  }
}

// ---------------------------------------------------------------------------------------------
// JS-facing types

/// Geometry and tuning, the fields of littlefs's `struct lfs_config` (camelCase in JS).
#[napi(object)]
#[derive(Clone)]
pub struct LfsConfig {
  pub block_size: u32,
  pub block_count: u32,
  pub read_size: u32,
  pub prog_size: u32,
  pub cache_size: u32,
  pub lookahead_size: u32,
  /// -1 disables block-level wear levelling.
  pub block_cycles: i32,
  pub name_max: Option<u32>,
  pub file_max: Option<u32>,
  pub attr_max: Option<u32>,
  pub metadata_max: Option<u32>,
  /// -1 disables inlined files.
  pub inline_max: Option<i32>,
  /// -1 disables metadata compaction in fs_gc.
  pub compact_thresh: Option<i32>,
}

#[napi(object)]
pub struct LfsInfo {
  pub name: String,
  /// "file" or "dir"
  #[napi(js_name = "type")]
  pub kind: String,
  pub size: u32,
}

#[napi(object)]
pub struct LfsFsInfo {
  pub disk_version: u32,
  pub block_size: u32,
  pub block_count: u32,
  pub name_max: u32,
  pub file_max: u32,
  pub attr_max: u32,
}

#[napi(object)]
pub struct LfsCallCounts {
  pub read: f64,
  pub prog: f64,
  pub erase: f64,
  pub sync: f64,
}

#[napi(js_name = "Lfs", custom_finalize)]
pub struct Lfs {
  state: Box<State>,
  config: LfsConfig,
}

impl ObjectFinalize for Lfs {
  fn finalize(self, env: Env) -> Result<()> {
    unsafe {
      if !self.state.device_ref.is_null() {
        sys::napi_delete_reference(env.raw(), self.state.device_ref);
      }
      if !self.state.pending.is_null() {
        sys::napi_delete_reference(env.raw(), self.state.pending);
      }
    }
    Ok(())
  }
}

fn path_c(env: &Env, p: &str, op: &str) -> Result<CString> {
  CString::new(p).map_err(|_| unsafe { throw_lfs(env.raw(), LFS_ERR_INVAL, op, "path contains a NUL byte", ptr::null_mut()) })
}

fn info_of(info: &lfs::lfs_info) -> LfsInfo {
  let name = unsafe { CStr::from_ptr(info.name.as_ptr()) }.to_string_lossy().into_owned();
  LfsInfo {
    name,
    kind: if info.type_ as u32 == lfs::lfs_type_LFS_TYPE_DIR as u32 { "dir".into() } else { "file".into() },
    size: info.size,
  }
}

impl Lfs {
  /// Enters a littlefs call: binds the env and the device value for the callbacks.
  fn enter(&mut self, env: &Env, op: &str, need_mounted: Option<bool>) -> Result<()> {
    let s = &mut *self.state;
    if s.busy {
      return Err(unsafe { throw_lfs(env.raw(), LFS_ERR_INVAL, op, "re-entrant call from a block-device callback", ptr::null_mut()) });
    }
    match need_mounted {
      Some(true) if !s.mounted => return Err(unsafe { throw_lfs(env.raw(), LFS_ERR_INVAL, op, "filesystem is not mounted", ptr::null_mut()) }),
      Some(false) if s.mounted => return Err(unsafe { throw_lfs(env.raw(), LFS_ERR_INVAL, op, "filesystem is mounted", ptr::null_mut()) }),
      _ => {}
    }
    unsafe {
      let mut dev = ptr::null_mut();
      sys::napi_get_reference_value(env.raw(), s.device_ref, &mut dev);
      s.device = dev;
    }
    s.env = env.raw();
    s.busy = true;
    Ok(())
  }

  /// Leaves a littlefs call: a device exception becomes an LFS_ERR_IO JS error with it as
  /// `cause`; any other negative code becomes a JS error named after it.
  fn leave(&mut self, env: &Env, op: &str, rc: i32) -> Result<i32> {
    let s = &mut *self.state;
    s.busy = false;
    s.device = ptr::null_mut();
    unsafe {
      if !s.pending.is_null() {
        let mut holder = ptr::null_mut();
        sys::napi_get_reference_value(env.raw(), s.pending, &mut holder);
        let mut exc = ptr::null_mut();
        sys::napi_get_named_property(env.raw(), holder, c"v".as_ptr(), &mut exc);
        sys::napi_delete_reference(env.raw(), s.pending);
        s.pending = ptr::null_mut();
        let code = if rc < 0 { rc } else { LFS_ERR_IO };
        let detail = describe(env.raw(), exc);
        return Err(throw_lfs(env.raw(), code, op, &format!("block device failed: {detail}"), exc));
      }
      if rc < 0 {
        return Err(throw_lfs(env.raw(), rc, op, "", ptr::null_mut()));
      }
    }
    Ok(rc)
  }

  fn file(&mut self, handle: u32) -> Option<*mut lfs::lfs_file_t> {
    self.state.files.get_mut(&handle).map(|f| &mut f.file as *mut _)
  }

  /// The file if it is open with the access `need` (LFS_O_RDONLY or LFS_O_WRONLY bit): littlefs
  /// only asserts this (compiled out), so the binding checks it.
  fn file_for(&mut self, handle: u32, need: u32) -> Option<*mut lfs::lfs_file_t> {
    self.state.files.get_mut(&handle).filter(|f| f.flags & need == need).map(|f| &mut f.file as *mut _)
  }

  fn lfs_ptr(&mut self) -> *mut lfs::lfs_t {
    &mut self.state.lfs as *mut _
  }
}

unsafe fn describe(env: sys::napi_env, v: sys::napi_value) -> String {
  let mut s = ptr::null_mut();
  if sys::napi_coerce_to_string(env, v, &mut s) != sys::Status::napi_ok {
    let mut exc = ptr::null_mut();
    sys::napi_get_and_clear_last_exception(env, &mut exc);
    return "(unprintable exception)".into();
  }
  let mut len = 0usize;
  sys::napi_get_value_string_utf8(env, s, ptr::null_mut(), 0, &mut len);
  let mut buf = vec![0u8; len + 1];
  sys::napi_get_value_string_utf8(env, s, buf.as_mut_ptr() as *mut _, buf.len(), &mut len);
  buf.truncate(len);
  String::from_utf8_lossy(&buf).into_owned()
}

#[napi]
impl Lfs {
  /// `device` must have read(block, off, len) -> Uint8Array, prog(block, off, Uint8Array),
  /// erase(block) and optionally sync().
  #[napi(constructor)]
  pub fn new(env: Env, config: LfsConfig, device: Object) -> Result<Self> {
    let c = &config;
    let bad = |m: &str| -> Error { unsafe { throw_lfs(env.raw(), LFS_ERR_INVAL, "new Lfs", m, ptr::null_mut()) } };
    if c.block_size == 0 || c.read_size == 0 || c.prog_size == 0 || c.cache_size == 0 || c.lookahead_size == 0 || c.block_count == 0 {
      return Err(bad("blockSize, blockCount, readSize, progSize, cacheSize and lookaheadSize must be positive"));
    }
    if c.cache_size % c.read_size != 0 || c.cache_size % c.prog_size != 0 || c.block_size % c.cache_size != 0 {
      return Err(bad("cacheSize must be a multiple of readSize and progSize and a factor of blockSize"));
    }
    if c.block_size < 128 {
      return Err(bad("blockSize must be at least 128"));
    }
    if let Some(t) = c.compact_thresh {
      if t != 0 && t != -1 && (t < 0 || (t as u32) < c.block_size / 2 || t as u32 > c.block_size) {
        return Err(bad("compactThresh must be 0, -1 or between blockSize/2 and blockSize"));
      }
    }
    if c.file_max.unwrap_or(0) > lfs::LFS_FILE_MAX {
      return Err(bad(&format!("fileMax must be <= {}", lfs::LFS_FILE_MAX)));
    }
    let attr_max = match c.attr_max.unwrap_or(0) { 0 => lfs::LFS_ATTR_MAX, a => a };
    if attr_max > lfs::LFS_ATTR_MAX {
      return Err(bad(&format!("attrMax must be <= {}", lfs::LFS_ATTR_MAX)));
    }
    if let Some(i) = c.inline_max {
      let meta = match c.metadata_max.unwrap_or(0) { 0 => c.block_size, m => m };
      if i != -1 && (i < 0 || i as u32 > c.cache_size || i as u32 > attr_max || i as u32 > meta / 8) {
        return Err(bad("inlineMax must be -1 or <= cacheSize, attrMax and (metadataMax or blockSize)/8"));
      }
    }
    if c.block_cycles == 0 {
      return Err(bad("blockCycles must be positive or -1"));
    }
    if let Some(n) = c.name_max {
      if n > lfs::LFS_NAME_MAX {
        return Err(bad(&format!("nameMax must be <= {}", lfs::LFS_NAME_MAX)));
      }
    }
    if let Some(m) = c.metadata_max {
      if m > c.block_size || (m != 0 && m % c.prog_size != 0) {
        return Err(bad("metadataMax must be <= blockSize and a multiple of progSize"));
      }
    }
    let mut device_ref = ptr::null_mut();
    unsafe {
      sys::napi_create_reference(env.raw(), napi::NapiRaw::raw(&device), 1, &mut device_ref);
    }
    let mut state = Box::new(State {
      lfs: unsafe { std::mem::zeroed() },
      cfg: unsafe { std::mem::zeroed() },
      read_buf: vec![0; c.cache_size as usize],
      prog_buf: vec![0; c.cache_size as usize],
      lookahead_buf: vec![0; c.lookahead_size as usize],
      device_ref,
      env: ptr::null_mut(),
      device: ptr::null_mut(),
      pending: ptr::null_mut(),
      busy: false,
      mounted: false,
      files: HashMap::new(),
      next_handle: 1,
      calls: [0.0; 4],
    });
    let ctx = &mut *state as *mut State as *mut c_void;
    let cfg = &mut state.cfg;
    cfg.context = ctx;
    cfg.read = Some(bd_read);
    cfg.prog = Some(bd_prog);
    cfg.erase = Some(bd_erase);
    cfg.sync = Some(bd_sync);
    cfg.read_size = c.read_size;
    cfg.prog_size = c.prog_size;
    cfg.block_size = c.block_size;
    cfg.block_count = c.block_count;
    cfg.block_cycles = c.block_cycles;
    cfg.cache_size = c.cache_size;
    cfg.lookahead_size = c.lookahead_size;
    cfg.compact_thresh = c.compact_thresh.unwrap_or(0) as u32;
    cfg.name_max = c.name_max.unwrap_or(0);
    cfg.file_max = c.file_max.unwrap_or(0);
    cfg.attr_max = c.attr_max.unwrap_or(0);
    cfg.metadata_max = c.metadata_max.unwrap_or(0);
    cfg.inline_max = c.inline_max.unwrap_or(0) as u32;
    state.cfg.read_buffer = state.read_buf.as_mut_ptr() as *mut c_void;
    state.cfg.prog_buffer = state.prog_buf.as_mut_ptr() as *mut c_void;
    state.cfg.lookahead_buffer = state.lookahead_buf.as_mut_ptr() as *mut c_void;
    Ok(Lfs { state, config })
  }

  /// The configuration this filesystem object was created with.
  #[napi(getter)]
  pub fn config(&self) -> LfsConfig {
    self.config.clone()
  }

  #[napi(getter)]
  pub fn mounted(&self) -> bool {
    self.state.mounted
  }

  /// How many times littlefs called each block-device callback through this object.
  #[napi(getter)]
  pub fn device_calls(&self) -> LfsCallCounts {
    let c = self.state.calls;
    LfsCallCounts { read: c[0], prog: c[1], erase: c[2], sync: c[3] }
  }

  #[napi(getter)]
  pub fn open_files(&self) -> u32 {
    self.state.files.len() as u32
  }

  #[napi]
  pub fn format(&mut self, env: Env) -> Result<()> {
    self.enter(&env, "format", Some(false))?;
    let rc = unsafe { lfs::lfs_format(self.lfs_ptr(), &self.state.cfg) };
    self.leave(&env, "format", rc).map(|_| ())
  }

  #[napi]
  pub fn mount(&mut self, env: Env) -> Result<()> {
    self.enter(&env, "mount", Some(false))?;
    let rc = unsafe { lfs::lfs_mount(self.lfs_ptr(), &self.state.cfg) };
    if rc >= 0 && self.state.pending.is_null() {
      self.state.mounted = true;
    }
    self.leave(&env, "mount", rc).map(|_| ())
  }

  /// Closes (and so syncs) every open file, then unmounts. The filesystem is unmounted even
  /// when closing a file fails; the first error is thrown.
  #[napi]
  pub fn unmount(&mut self, env: Env) -> Result<()> {
    self.enter(&env, "unmount", Some(true))?;
    let mut first = 0;
    let handles: Vec<u32> = self.state.files.keys().copied().collect();
    for h in handles {
      let mut f = self.state.files.remove(&h).unwrap();
      let rc = unsafe { lfs::lfs_file_close(self.lfs_ptr(), &mut f.file) };
      if rc < 0 && first == 0 {
        first = rc;
      }
    }
    let rc = unsafe { lfs::lfs_unmount(self.lfs_ptr()) };
    self.state.mounted = false;
    self.leave(&env, "unmount", if first < 0 { first } else { rc }).map(|_| ())
  }

  /// Opens a file; `flags` are littlefs's LFS_O_* bits. Returns a handle.
  #[napi]
  pub fn open(&mut self, env: Env, path: String, flags: u32) -> Result<u32> {
    let p = path_c(&env, &path, "open")?;
    self.enter(&env, "open", Some(true))?;
    let cache = self.config.cache_size as usize;
    let mut of = Box::new(OpenFile { flags, file: unsafe { std::mem::zeroed() }, cfg: unsafe { std::mem::zeroed() }, _buf: vec![0; cache] });
    of.cfg.buffer = of._buf.as_mut_ptr() as *mut c_void;
    let rc = unsafe { lfs::lfs_file_opencfg(self.lfs_ptr(), &mut of.file, p.as_ptr(), flags as c_int, &of.cfg) };
    let ok = rc >= 0 && self.state.pending.is_null();
    let h = self.state.next_handle;
    if ok {
      self.state.next_handle += 1;
      self.state.files.insert(h, of);
    } else if rc >= 0 {
      // Opened but a device callback failed: close it again so littlefs forgets it.
      unsafe { lfs::lfs_file_close(self.lfs_ptr(), &mut of.file) };
    }
    self.leave(&env, "open", rc).map(|_| h)
  }

  #[napi]
  pub fn close(&mut self, env: Env, handle: u32) -> Result<()> {
    self.enter(&env, "close", Some(true))?;
    let rc = match self.state.files.remove(&handle) {
      Some(mut f) => unsafe { lfs::lfs_file_close(self.lfs_ptr(), &mut f.file) },
      None => LFS_ERR_BADF,
    };
    self.leave(&env, "close", rc).map(|_| ())
  }

  #[napi]
  pub fn read(&mut self, env: Env, handle: u32, len: u32) -> Result<Uint8Array> {
    self.enter(&env, "read", Some(true))?;
    let mut buf = vec![0u8; len as usize];
    let rc = match self.file_for(handle, 1) {
      Some(f) => unsafe { lfs::lfs_file_read(self.lfs_ptr(), f, buf.as_mut_ptr() as *mut c_void, len) },
      None => LFS_ERR_BADF,
    };
    let n = self.leave(&env, "read", rc)?;
    buf.truncate(n as usize);
    Ok(Uint8Array::new(buf))
  }

  #[napi]
  pub fn write(&mut self, env: Env, handle: u32, data: Uint8Array) -> Result<u32> {
    self.enter(&env, "write", Some(true))?;
    let bytes: Vec<u8> = data.to_vec();
    let rc = match self.file_for(handle, 2) {
      Some(f) => unsafe { lfs::lfs_file_write(self.lfs_ptr(), f, bytes.as_ptr() as *const c_void, bytes.len() as u32) },
      None => LFS_ERR_BADF,
    };
    self.leave(&env, "write", rc).map(|n| n as u32)
  }

  /// whence: 0 = set, 1 = current, 2 = end. Returns the new position.
  #[napi]
  pub fn seek(&mut self, env: Env, handle: u32, off: i32, whence: u32) -> Result<u32> {
    self.enter(&env, "seek", Some(true))?;
    let rc = match self.file(handle) {
      Some(f) => unsafe { lfs::lfs_file_seek(self.lfs_ptr(), f, off, whence as c_int) },
      None => LFS_ERR_BADF,
    };
    self.leave(&env, "seek", rc).map(|n| n as u32)
  }

  #[napi]
  pub fn tell(&mut self, env: Env, handle: u32) -> Result<u32> {
    self.enter(&env, "tell", Some(true))?;
    let rc = match self.file(handle) {
      Some(f) => unsafe { lfs::lfs_file_tell(self.lfs_ptr(), f) },
      None => LFS_ERR_BADF,
    };
    self.leave(&env, "tell", rc).map(|n| n as u32)
  }

  #[napi]
  pub fn size(&mut self, env: Env, handle: u32) -> Result<u32> {
    self.enter(&env, "size", Some(true))?;
    let rc = match self.file(handle) {
      Some(f) => unsafe { lfs::lfs_file_size(self.lfs_ptr(), f) },
      None => LFS_ERR_BADF,
    };
    self.leave(&env, "size", rc).map(|n| n as u32)
  }

  #[napi]
  pub fn sync(&mut self, env: Env, handle: u32) -> Result<()> {
    self.enter(&env, "sync", Some(true))?;
    let rc = match self.file(handle) {
      Some(f) => unsafe { lfs::lfs_file_sync(self.lfs_ptr(), f) },
      None => LFS_ERR_BADF,
    };
    self.leave(&env, "sync", rc).map(|_| ())
  }

  #[napi]
  pub fn truncate(&mut self, env: Env, handle: u32, size: u32) -> Result<()> {
    self.enter(&env, "truncate", Some(true))?;
    let rc = match self.file_for(handle, 2) {
      Some(f) => unsafe { lfs::lfs_file_truncate(self.lfs_ptr(), f, size) },
      None => LFS_ERR_BADF,
    };
    self.leave(&env, "truncate", rc).map(|_| ())
  }

  #[napi]
  pub fn rename(&mut self, env: Env, from: String, to: String) -> Result<()> {
    let a = path_c(&env, &from, "rename")?;
    let b = path_c(&env, &to, "rename")?;
    self.enter(&env, "rename", Some(true))?;
    let rc = unsafe { lfs::lfs_rename(self.lfs_ptr(), a.as_ptr(), b.as_ptr()) };
    self.leave(&env, "rename", rc).map(|_| ())
  }

  #[napi]
  pub fn remove(&mut self, env: Env, path: String) -> Result<()> {
    let p = path_c(&env, &path, "remove")?;
    self.enter(&env, "remove", Some(true))?;
    let rc = unsafe { lfs::lfs_remove(self.lfs_ptr(), p.as_ptr()) };
    self.leave(&env, "remove", rc).map(|_| ())
  }

  #[napi]
  pub fn mkdir(&mut self, env: Env, path: String) -> Result<()> {
    let p = path_c(&env, &path, "mkdir")?;
    self.enter(&env, "mkdir", Some(true))?;
    let rc = unsafe { lfs::lfs_mkdir(self.lfs_ptr(), p.as_ptr()) };
    self.leave(&env, "mkdir", rc).map(|_| ())
  }

  #[napi]
  pub fn stat(&mut self, env: Env, path: String) -> Result<LfsInfo> {
    let p = path_c(&env, &path, "stat")?;
    self.enter(&env, "stat", Some(true))?;
    let mut info: lfs::lfs_info = unsafe { std::mem::zeroed() };
    let rc = unsafe { lfs::lfs_stat(self.lfs_ptr(), p.as_ptr(), &mut info) };
    self.leave(&env, "stat", rc)?;
    Ok(info_of(&info))
  }

  /// Lists a directory (without "." and ".."), in littlefs's order.
  #[napi]
  pub fn readdir(&mut self, env: Env, path: String) -> Result<Vec<LfsInfo>> {
    let p = path_c(&env, &path, "readdir")?;
    self.enter(&env, "readdir", Some(true))?;
    let mut out = Vec::new();
    let mut dir: Box<lfs::lfs_dir_t> = Box::new(unsafe { std::mem::zeroed() });
    let mut rc = unsafe { lfs::lfs_dir_open(self.lfs_ptr(), &mut *dir, p.as_ptr()) };
    if rc >= 0 {
      loop {
        let mut info: lfs::lfs_info = unsafe { std::mem::zeroed() };
        let r = unsafe { lfs::lfs_dir_read(self.lfs_ptr(), &mut *dir, &mut info) };
        if r < 0 {
          rc = r;
          break;
        }
        if r == 0 {
          break;
        }
        let i = info_of(&info);
        if i.name != "." && i.name != ".." {
          out.push(i);
        }
      }
      let r = unsafe { lfs::lfs_dir_close(self.lfs_ptr(), &mut *dir) };
      if rc >= 0 && r < 0 {
        rc = r;
      }
    }
    self.leave(&env, "readdir", rc)?;
    Ok(out)
  }

  /// Blocks in use. A full traversal of the filesystem (littlefs #840): costly, do not poll.
  #[napi]
  pub fn fs_size(&mut self, env: Env) -> Result<u32> {
    self.enter(&env, "fsSize", Some(true))?;
    let rc = unsafe { lfs::lfs_fs_size(self.lfs_ptr()) };
    self.leave(&env, "fsSize", rc).map(|n| n as u32)
  }

  /// Janitorial work (lookahead scan, metadata compaction above compactThresh), for idle time.
  #[napi]
  pub fn fs_gc(&mut self, env: Env) -> Result<()> {
    self.enter(&env, "fsGc", Some(true))?;
    let rc = unsafe { lfs::lfs_fs_gc(self.lfs_ptr()) };
    self.leave(&env, "fsGc", rc).map(|_| ())
  }

  /// Completes any pending orphan/move repair now rather than on the first write.
  #[napi]
  pub fn fs_mkconsistent(&mut self, env: Env) -> Result<()> {
    self.enter(&env, "fsMkconsistent", Some(true))?;
    let rc = unsafe { lfs::lfs_fs_mkconsistent(self.lfs_ptr()) };
    self.leave(&env, "fsMkconsistent", rc).map(|_| ())
  }

  /// On-disk superblock information.
  #[napi]
  pub fn fs_stat(&mut self, env: Env) -> Result<LfsFsInfo> {
    self.enter(&env, "fsStat", Some(true))?;
    let mut i: lfs::lfs_fsinfo = unsafe { std::mem::zeroed() };
    let rc = unsafe { lfs::lfs_fs_stat(self.lfs_ptr(), &mut i) };
    self.leave(&env, "fsStat", rc)?;
    Ok(LfsFsInfo {
      disk_version: i.disk_version,
      block_size: i.block_size,
      block_count: i.block_count,
      name_max: i.name_max,
      file_max: i.file_max,
      attr_max: i.attr_max,
    })
  }
}

/// littlefs version compiled in (from littlefs2-sys), e.g. 0x00020009 for 2.9, and the on-disk
/// version it writes.
#[napi]
pub fn littlefs_version() -> Vec<u32> {
  vec![lfs::LFS_VERSION, lfs::LFS_DISK_VERSION, lfs::LFS_NAME_MAX]
}
