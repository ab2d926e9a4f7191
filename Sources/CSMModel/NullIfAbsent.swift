/// An optional that a synthesized `Encodable` writes as `null` instead of leaving its key out, and that
/// decodes from a missing key as nil. API bodies use it so clients can rely on every key being there,
/// without a hand-written `encode(to:)` listing each field.
@propertyWrapper
public struct NullIfAbsent<Value> {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }
}

extension NullIfAbsent: Sendable where Value: Sendable {}
extension NullIfAbsent: Equatable where Value: Equatable {}
extension NullIfAbsent: Hashable where Value: Hashable {}

extension NullIfAbsent: Encodable where Value: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension NullIfAbsent: Decodable where Value: Decodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }
}

extension KeyedDecodingContainer {
    /// A missing key is nil, as for a plain optional (the synthesized decoder would otherwise require it).
    public func decode<Value: Decodable>(_ type: NullIfAbsent<Value>.Type, forKey key: Key) throws
        -> NullIfAbsent<Value>
    {
        try decodeIfPresent(type, forKey: key) ?? NullIfAbsent(wrappedValue: nil)
    }
}
