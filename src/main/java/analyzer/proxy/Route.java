package analyzer.proxy;

/**
 * Forward mode: "the requests that follow go to {@code target}". Travels in the client's message stream just
 * ahead of the request it routes, so requests already queued for another host keep their order.
 */
record Route(HostAndPort target) {
}
