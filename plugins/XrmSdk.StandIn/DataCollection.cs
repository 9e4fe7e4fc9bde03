using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace Microsoft.Xrm.Sdk
{
    /// <summary>List collection of the SDK (entity lists, reference lists, column names).</summary>
    public class DataCollection<T> : Collection<T>
    {
        // The official type exposes only the capacity constructor; the parameterless one is what its own
        // derived collections use internally.
        internal DataCollection()
        {
        }

        public DataCollection(int capacity)
            : base(new List<T>(capacity))
        {
        }

        internal DataCollection(IList<T> list)
            : base(list)
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

        public T[] ToArray()
        {
            var array = new T[Count];
            CopyTo(array, 0);
            return array;
        }
    }

    /// <summary>
    /// Keyed collection of the SDK. Like the official type, the indexer getter throws for a missing key and the
    /// setter adds or replaces.
    /// </summary>
    public abstract class DataCollection<TKey, TValue> : IEnumerable<KeyValuePair<TKey, TValue>>
    {
        private readonly Dictionary<TKey, TValue> _items;

        protected internal DataCollection()
        {
            _items = new Dictionary<TKey, TValue>();
        }

        protected internal DataCollection(IDictionary<TKey, TValue> collection)
        {
            _items = new Dictionary<TKey, TValue>(collection);
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

        public ICollection<TValue> Values
        {
            get { return _items.Values; }
        }

        public virtual bool IsReadOnly
        {
            get { return false; }
        }

        public void Add(TKey key, TValue value)
        {
            _items.Add(key, value);
        }

        public void Add(KeyValuePair<TKey, TValue> item)
        {
            _items.Add(item.Key, item.Value);
        }

        public void AddRange(params KeyValuePair<TKey, TValue>[] items)
        {
            AddRange((IEnumerable<KeyValuePair<TKey, TValue>>)items);
        }

        public void AddRange(IEnumerable<KeyValuePair<TKey, TValue>> items)
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

        public void Clear()
        {
            _items.Clear();
        }

        public bool Contains(TKey key)
        {
            return _items.ContainsKey(key);
        }

        public bool Contains(KeyValuePair<TKey, TValue> key)
        {
            return ((ICollection<KeyValuePair<TKey, TValue>>)_items).Contains(key);
        }

        public bool ContainsKey(TKey key)
        {
            return _items.ContainsKey(key);
        }

        public bool TryGetValue(TKey key, out TValue value)
        {
            return _items.TryGetValue(key, out value);
        }

        public bool Remove(TKey key)
        {
            return _items.Remove(key);
        }

        public bool Remove(KeyValuePair<TKey, TValue> item)
        {
            return ((ICollection<KeyValuePair<TKey, TValue>>)_items).Remove(item);
        }

        public void CopyTo(KeyValuePair<TKey, TValue>[] array, int arrayIndex)
        {
            ((ICollection<KeyValuePair<TKey, TValue>>)_items).CopyTo(array, arrayIndex);
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
        public AttributeCollection()
        {
        }
    }

    public sealed class FormattedValueCollection : DataCollection<string, string>
    {
        public FormattedValueCollection()
        {
        }
    }

    public sealed class KeyAttributeCollection : DataCollection<string, object>
    {
        public KeyAttributeCollection()
        {
        }
    }

    public class EntityImageCollection : DataCollection<string, Entity>
    {
        public EntityImageCollection()
        {
        }

        protected internal EntityImageCollection(IDictionary<string, Entity> collection)
            : base(collection)
        {
        }
    }

    public class ParameterCollection : DataCollection<string, object>
    {
        public ParameterCollection()
        {
        }

        protected ParameterCollection(IDictionary<string, object> collection)
            : base(collection)
        {
        }

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

        public void AddOrUpdateIfNotNull(string key, object obj)
        {
            if (obj != null)
            {
                this[key] = obj;
            }
        }
    }

    public sealed class EntityReferenceCollection : DataCollection<EntityReference>
    {
        public EntityReferenceCollection()
        {
        }

        public EntityReferenceCollection(IList<EntityReference> list)
            : base(list)
        {
        }
    }
}
