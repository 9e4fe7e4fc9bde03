using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace Microsoft.Xrm.Sdk
{
    /// <summary>List collection of the SDK (entity lists, reference lists, column names).</summary>
    public class DataCollection<T> : Collection<T>
    {
        // The official type's constructors are not used by the plug-ins; the stand-in builds its own internally.
        internal DataCollection()
        {
        }

        public void AddRange(params T[] items)
        {
            AddRange((IEnumerable<T>)items);
        }

        public void AddRange(IEnumerable<T> items)
        {
            if (items == null)
            {
                return;
            }

            foreach (var item in items)
            {
                Add(item);
            }
        }
    }

    /// <summary>
    /// Keyed collection of the SDK. Like the official type, the indexer getter throws for a missing key and the
    /// setter adds or replaces.
    /// </summary>
    public abstract class DataCollection<TKey, TValue> : IEnumerable<KeyValuePair<TKey, TValue>>
    {
        private readonly Dictionary<TKey, TValue> _items = new Dictionary<TKey, TValue>();

        protected internal DataCollection()
        {
        }

        public virtual TValue this[TKey key]
        {
            get { return _items[key]; }
            set { _items[key] = value; }
        }

        public int Count
        {
            get { return _items.Count; }
        }

        public ICollection<TKey> Keys
        {
            get { return _items.Keys; }
        }

        public void Add(TKey key, TValue value)
        {
            _items.Add(key, value);
        }

        public bool Contains(TKey key)
        {
            return _items.ContainsKey(key);
        }

        public bool TryGetValue(TKey key, out TValue value)
        {
            return _items.TryGetValue(key, out value);
        }

        public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator()
        {
            return _items.GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return GetEnumerator();
        }
    }

    public sealed class AttributeCollection : DataCollection<string, object>
    {
    }

    public class EntityImageCollection : DataCollection<string, Entity>
    {
    }

    public class ParameterCollection : DataCollection<string, object>
    {
        /// <summary>True only when the key exists and its value is a <typeparamref name="T"/>.</summary>
        public bool TryGetValue<T>(string key, out T value)
        {
            object raw;
            // base: an unqualified call would bind to this generic overload (T = object) and recurse.
            if (base.TryGetValue(key, out raw) && raw is T typed)
            {
                value = typed;
                return true;
            }

            value = default(T);
            return false;
        }
    }

    public sealed class EntityReferenceCollection : DataCollection<EntityReference>
    {
    }
}
