-- Neovim (nvim-lspconfig): use iodrain-clangd as the clangd server.
-- Put this in your init.lua; adjust the path to where iodrain is installed.
require("lspconfig").clangd.setup({
  cmd = { "/opt/iodrain/bin/iodrain-clangd", "--clang-tidy", "--header-insertion=never" },
})
