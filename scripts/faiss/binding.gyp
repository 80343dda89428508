{
  "targets": [{
    "target_name": "faiss-node",
    "sources": ["faiss.cc"],
    "include_dirs": ["<!(echo $NODE_ADDON_API_DIR)"],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_CPP_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "cflags_cc": ["-std=c++17", "-fexceptions", "-O3", "-include", "<!(echo $FAISS_COMPAT_HEADER)"],
    "libraries": ["-lfaiss", "-lblas", "-llapack", "-fopenmp"]
  }]
}
