/* nnport plugin ABI — the one header a backend plugin needs.
 *
 * Plain C so that a plugin built with another compiler, standard library or
 * language still loads. Rules (docs/plugin-abi.md has the full text):
 *  - A plugin is a shared library exporting one function, NNPORT_PLUGIN_ENTRY,
 *    that returns a pointer to a static nnport_backend whose first member is
 *    the ABI version the plugin was built with. The host refuses a plugin
 *    whose abi_version differs from its own, naming both versions.
 *  - Structs only grow at the end; struct_size tells which members exist.
 *    Optional function pointers may be NULL; the host supplies the default.
 *  - Strings and lists cross the boundary through nnport_sink: the host owns
 *    the memory, the plugin only appends. Nothing the plugin returns is freed
 *    by the host except through a release function the plugin provides.
 *  - Functions return an nnport_code; on failure they append a message to
 *    the err sink and leave output parameters untouched.
 *  - No exception, longjmp or abort crosses the boundary.
 */
#ifndef NNPORT_PLUGIN_H_
#define NNPORT_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NNPORT_PLUGIN_ABI_VERSION 1u
#define NNPORT_PLUGIN_ENTRY nnport_backend_entry
#define NNPORT_PLUGIN_ENTRY_NAME "nnport_backend_entry"

#if defined(_WIN32)
#define NNPORT_PLUGIN_EXPORT __declspec(dllexport)
#else
#define NNPORT_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* Status codes. 0 is success. */
typedef enum nnport_code {
  NNPORT_OK = 0,
  NNPORT_INVALID_ARGUMENT = 1, /* bad input from the caller: name, type, shape, config */
  NNPORT_NOT_FOUND = 2,        /* a file, name or symbol does not exist */
  NNPORT_UNAVAILABLE = 3,      /* the backend or device cannot be used here */
  NNPORT_UNIMPLEMENTED = 4,    /* an op, type or option the backend does not support */
  NNPORT_IO_ERROR = 5,         /* reading or writing a file failed */
  NNPORT_INTERNAL = 6          /* the engine failed */
} nnport_code;

/* Element types. The values are ONNX's TensorProto.DataType values. */
typedef enum nnport_dtype {
  NNPORT_DTYPE_UNDEFINED = 0,
  NNPORT_DTYPE_FLOAT32 = 1,
  NNPORT_DTYPE_UINT8 = 2,
  NNPORT_DTYPE_INT8 = 3,
  NNPORT_DTYPE_INT32 = 6,
  NNPORT_DTYPE_INT64 = 7,
  NNPORT_DTYPE_BOOL = 9,
  NNPORT_DTYPE_FLOAT16 = 10,
  NNPORT_DTYPE_FLOAT64 = 11
} nnport_dtype;

/* Log levels, as Python's logging module numbers them (MMDeploy's log_level). */
typedef enum nnport_log_level {
  NNPORT_LOG_DEBUG = 10,
  NNPORT_LOG_INFO = 20,
  NNPORT_LOG_WARNING = 30,
  NNPORT_LOG_ERROR = 40
} nnport_log_level;

/* Host-owned output for strings and lists. For a string the plugin may call
 * append several times (pieces are concatenated); for a list each call adds
 * one item. data need not be NUL-terminated. */
typedef struct nnport_sink {
  void* ctx;
  void (*append)(void* ctx, const char* data, size_t size);
} nnport_sink;

/* A tensor passed across the boundary. Memory is owned by whoever created it;
 * dims has rank entries; data is dense, row-major, nbytes long. */
typedef struct nnport_tensor {
  const char* name;
  int32_t dtype; /* nnport_dtype */
  int32_t rank;
  const int64_t* dims;
  void* data;
  size_t nbytes;
} nnport_tensor;

/* An output handed to the host. The host calls release(owner) exactly once
 * when it no longer needs tensor.data and tensor.dims; release may be NULL,
 * in which case the data is valid only until the next set_inputs, execute or
 * destroy on the same wrapper, and the host copies it. */
typedef struct nnport_output {
  nnport_tensor tensor;
  void* owner;
  void (*release)(void* owner);
} nnport_output;

/* A model input or output as the backend sees it. dims[i] < 0 is a dynamic
 * dim; dim_names may be NULL or hold a name (possibly "") per dim. Pointers
 * stay valid for the wrapper's lifetime. */
typedef struct nnport_tensor_info {
  const char* name;
  int32_t dtype;
  int32_t rank;
  const int64_t* dims;
  const char* const* dim_names;
} nnport_tensor_info;

typedef struct nnport_wrapper nnport_wrapper; /* opaque, plugin-defined */

/* One node's verdict from check_model. Strings are valid during the call. */
typedef struct nnport_node_support {
  int64_t index;         /* the node's position in the main graph */
  const char* node_name; /* "" for an unnamed node */
  const char* op_type;   /* "Conv"; "domain::Op" outside the default domain */
  int32_t supported;     /* 1: to_backend takes it; 0: it does not */
  const char* reason;    /* why not (or a note when supported); "" for none */
} nnport_node_support;

typedef struct nnport_node_sink {
  void* ctx;
  void (*add)(void* ctx, const nnport_node_support* node);
} nnport_node_sink;

/* A loaded model, ready to run. forward() in the host is
 * set_inputs -> execute -> get_outputs; only execute is the engine call. */
typedef struct nnport_wrapper_api {
  uint32_t struct_size;
  size_t (*num_inputs)(const nnport_wrapper* self);
  int (*input_info)(const nnport_wrapper* self, size_t index, nnport_tensor_info* out);
  /* Outputs in the order forward returns them (the output_names given to
   * build_wrapper, or else the model's order). */
  size_t (*num_outputs)(const nnport_wrapper* self);
  int (*output_info)(const nnport_wrapper* self, size_t index, nnport_tensor_info* out);
  /* inputs are in input_info order, already checked by the host for name,
   * dtype, rank and static dims. Their memory stays valid until execute
   * returns; the plugin may bind it without copying. */
  int (*set_inputs)(nnport_wrapper* self, const nnport_tensor* inputs, size_t count,
                    nnport_sink* err);
  int (*execute)(nnport_wrapper* self, nnport_sink* err);
  /* Fills outputs[0..count), count == num_outputs. */
  int (*get_outputs)(nnport_wrapper* self, nnport_output* outputs, size_t count, nnport_sink* err);
  void (*destroy)(nnport_wrapper* self);
} nnport_wrapper_api;

/* What the host offers a plugin. */
typedef struct nnport_host {
  uint32_t abi_version;
  uint32_t struct_size;
  /* Log a line through the host; level is an nnport_log_level. May be NULL. */
  void (*log)(int level, const char* message);
} nnport_host;

/* One backend. Returned by the entry point; lives until the library unloads.
 * deploy_cfg_json is the whole merged deploy config as JSON ("{}" when there
 * is none); the backend reads its own part (backend_config) from it. */
typedef struct nnport_backend {
  uint32_t abi_version; /* NNPORT_PLUGIN_ABI_VERSION at build time; always first */
  uint32_t struct_size; /* sizeof(nnport_backend) at build time */
  const char* name;     /* backend name, e.g. "onnxruntime"; new names extend the set */
  const char* description;
  uint32_t backend_file_count; /* files build_wrapper takes (ncnn: 2) */

  /* Cheap and honest: never initializes a device or builds anything.
   * Returns 1 when usable, else 0 and appends the reason to why. */
  int (*is_available)(int with_custom_ops, nnport_sink* why);
  /* Appends the runtime's version. NNPORT_UNAVAILABLE when not available. */
  int (*version)(nnport_sink* out, nnport_sink* err);
  /* Optional: extra check_env lines (one per append), e.g.
   * "<name> custom ops:\tAvailable". NULL: none. */
  int (*check_env_extra)(nnport_sink* lines, nnport_sink* err);
  /* Convert IR files into backend files inside work_dir (which exists and is
   * empty of this backend's files). Appends each backend file path, one per
   * append, in the order build_wrapper takes them. NULL: the IR files are the
   * backend files. */
  int (*to_backend)(const char* const* ir_files, size_t ir_count, const char* work_dir,
                    const char* deploy_cfg_json, int log_level, const char* device,
                    nnport_sink* backend_files, nnport_sink* err);
  /* input_names / output_names may be empty (count 0): the model's own, in
   * the model's order. */
  int (*build_wrapper)(const char* const* backend_files, size_t file_count, const char* device,
                       const char* const* input_names, size_t input_count,
                       const char* const* output_names, size_t output_count,
                       const char* deploy_cfg_json, nnport_wrapper** out_wrapper,
                       const nnport_wrapper_api** out_api, nnport_sink* err);

  /* ---- Appended members: read them only when struct_size covers them. ---- */

  /* Optional (NULL: unknown, try converting). Says, for each node of the
   * main graph of the ONNX model at onnx_path, in graph order, whether
   * to_backend would take it and why not, one nodes->add per node. Writes
   * nothing anywhere. Fails (with err) only when the model cannot be read. */
  int (*check_model)(const char* onnx_path, const char* deploy_cfg_json, nnport_node_sink* nodes,
                     nnport_sink* err);

  /* 1: one wrapper may be called from several threads at once. Each thread's
   * forward is set_inputs -> execute -> get_outputs on that thread, and these
   * sequences of different threads may interleave, so the plugin keeps what
   * set_inputs binds and what execute produces per calling thread, never in
   * the wrapper alone. 0 (also for a plugin whose struct_size ends before
   * this member): the host serializes the calls on each wrapper. Separate
   * wrappers may always run at once. */
  uint32_t wrapper_thread_safe;
} nnport_backend;

/* The one symbol a plugin exports. Returns NULL only if the plugin cannot
 * work with this host at all (it may log why through host->log). */
typedef const nnport_backend* (*nnport_backend_entry_fn)(const nnport_host* host);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NNPORT_PLUGIN_H_ */
