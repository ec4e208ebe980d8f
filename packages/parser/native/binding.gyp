{
  "targets": [
    {
      "target_name": "iterated_hash",
      "sources": ["iterated_hash.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-Wall", "-Wextra"]
    }
  ]
}
