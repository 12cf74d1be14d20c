-- Neovim (nvim-lspconfig): use iodrain-clangd as the clangd server.
-- Put this in your init.lua. "iodrain-clangd" is found on PATH, where the
-- iodrain package and `cmake --install` put it (<prefix>/bin); elsewhere,
-- give its full path, e.g. "<iodrain build>/bin/iodrain-clangd".
require("lspconfig").clangd.setup({
  cmd = { "iodrain-clangd", "--clang-tidy", "--header-insertion=never" },
})
