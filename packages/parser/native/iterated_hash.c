/*
 * iteratedHash(name, input, count): H^count(input) with the running Node.js's own OpenSSL digests, the inner loop
 * of RFC 7292 appendix B and PKCS#5 PBKDF1. Node has no native iterated hash, and one `crypto.hash` call a round
 * costs four times OpenSSL's own loop. Nothing here but OpenSSL's public EVP digest calls: the symbols come from
 * the node binary that loads this addon (its headers are the ones node-gyp puts on the include path).
 */
#include <math.h>
#include <node_api.h>
#include <openssl/evp.h>
#include <stdio.h>

#define MAX_COUNT 2147483647.0

/* Throws a JS error and returns NULL, so that a call site can `return fail(...)`. */
static napi_value fail(napi_env env, int type_error, const char *message) {
  if (type_error)
    napi_throw_type_error(env, NULL, message);
  else
    napi_throw_error(env, NULL, message);
  return NULL;
}

/* One digest of `data` into `out`, reusing the context's provider state. */
static int digest_once(EVP_MD_CTX *ctx, const EVP_MD *md, const void *data, size_t length, unsigned char *out,
                       unsigned int *size) {
  return EVP_DigestInit_ex2(ctx, md, NULL) && EVP_DigestUpdate(ctx, data, length) &&
         EVP_DigestFinal_ex(ctx, out, size);
}

static napi_value iterated_hash(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3)
    return fail(env, 1, "iteratedHash(name, input, count) takes three arguments");

  char name[64];
  size_t name_length = 0;
  if (napi_get_value_string_utf8(env, argv[0], name, sizeof name, &name_length) != napi_ok)
    return fail(env, 1, "iteratedHash: the digest name must be a string");
  if (name_length == 0 || name_length >= sizeof name - 1)
    return fail(env, 1, "iteratedHash: the digest name is empty or too long");

  bool is_typed_array = false;
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (napi_is_typedarray(env, argv[1], &is_typed_array) != napi_ok || !is_typed_array ||
      napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_uint8_array)
    return fail(env, 1, "iteratedHash: the input must be a Uint8Array");

  double count = 0;
  if (napi_get_value_double(env, argv[2], &count) != napi_ok || !(count >= 1 && count <= MAX_COUNT) ||
      floor(count) != count)
    return fail(env, 1, "iteratedHash: the count must be an integer from 1 to 2^31-1");

  EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
  if (md == NULL) {
    char message[128];
    snprintf(message, sizeof message, "iteratedHash: digest %s is not available in this OpenSSL", name);
    return fail(env, 0, message);
  }
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  unsigned char state[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  int ok = ctx != NULL && digest_once(ctx, md, data, length, state, &size);
  for (long round = 1; ok && round < (long)count; round++) ok = digest_once(ctx, md, state, size, state, &size);
  EVP_MD_CTX_free(ctx);
  EVP_MD_free(md);
  if (!ok) return fail(env, 0, "iteratedHash: OpenSSL's digest failed");

  napi_value result;
  if (napi_create_buffer_copy(env, size, state, NULL, &result) != napi_ok) return NULL;
  return result;
}

NAPI_MODULE_INIT() {
  napi_value function;
  if (napi_create_function(env, "iteratedHash", NAPI_AUTO_LENGTH, iterated_hash, NULL, &function) != napi_ok ||
      napi_set_named_property(env, exports, "iteratedHash", function) != napi_ok)
    return NULL;
  return exports;
}
