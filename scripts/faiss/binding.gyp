{
  "targets": [{
    "target_name": "faiss-node",
    "sources": ["faiss.cc", "code-ivf-index.cc"],
    "include_dirs": ["<!(echo $NODE_ADDON_API_DIR)"],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_CPP_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
    "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O3", "-include", "<!(echo $FAISS_COMPAT_HEADER)"],
    "libraries": ["-lfaiss", "-lblas", "-llapack", "-fopenmp"]
  }]
}
