// The guest console on the host: UART bytes go to stdout (and nothing else does), line-buffered
// so interactive output appears as the guest prints it.
#pragma once

#include <cstdio>
#include <string>

namespace cmodx::sim {

class StdoutConsole {
public:
    ~StdoutConsole() { flush(); }
    void put(char c) {
        buffer_.push_back(c);
        if (c == '\n' || buffer_.size() >= 4096) flush();
    }
    void flush() {
        if (buffer_.empty()) return;
        std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
        std::fflush(stdout);
        buffer_.clear();
    }

private:
    std::string buffer_;
};

} // namespace cmodx::sim
