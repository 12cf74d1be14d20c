# Toolchain file for analysing a Windows project on Linux: clang targeting
# x86_64-w64-mingw32 with Debian's mingw-w64 headers. It is meant for a
# compile database and for iodrain, not for shipping binaries: try-compiles
# build static libraries, so no Windows linker is needed.
#   cmake -S . -B build -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
#     -DCMAKE_TOOLCHAIN_FILE=<iodrain>/integration/cmake/mingw-w64-analysis.cmake
# Installed (the iodrain package puts it in /usr/lib/cmake/iodrain, as
# `cmake --install` does in <prefix>/lib/cmake/iodrain):
#   cmake -S . -B build -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
#     -DCMAKE_TOOLCHAIN_FILE=/usr/lib/cmake/iodrain/mingw-w64-analysis.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(IODRAIN_MINGW_SYSROOT "/usr" CACHE PATH "Holds x86_64-w64-mingw32/include/windows.h")

find_program(IODRAIN_ANALYSIS_CLANG NAMES clang-19 clang REQUIRED)
find_program(IODRAIN_ANALYSIS_CLANGXX NAMES clang++-19 clang++ REQUIRED)
set(CMAKE_C_COMPILER ${IODRAIN_ANALYSIS_CLANG})
set(CMAKE_CXX_COMPILER ${IODRAIN_ANALYSIS_CLANGXX})
set(CMAKE_C_COMPILER_TARGET x86_64-w64-mingw32)
set(CMAKE_CXX_COMPILER_TARGET x86_64-w64-mingw32)
set(CMAKE_SYSROOT ${IODRAIN_MINGW_SYSROOT})
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
